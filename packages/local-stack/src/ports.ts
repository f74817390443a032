import net from 'node:net'

/** True when nothing listens on host:port (we try to bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** A port the kernel says is free right now (tests use these so several runs can coexist). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('could not read the port the kernel gave us'))
      })
    })
  })
}

export class PortInUseError extends Error {
  constructor(
    readonly what: string,
    readonly port: number,
    readonly envVar: string,
  ) {
    super(
      `Port ${port} (${what}) is already in use. Stop whatever listens there ` +
        `(e.g. \`ss -ltnp 'sport = :${port}'\`), or choose another port with ${envVar}=<port>.`,
    )
    this.name = 'PortInUseError'
  }
}

export async function assertPortFree(what: string, port: number, envVar: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(what, port, envVar)
}
