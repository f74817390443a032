import { randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import net from 'node:net'

/** True when nothing listens on host:port (we try to bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/**
 * Ports below the kernel's ephemeral range, where a port picked now cannot be taken later by an
 * outgoing connection's local end. The kernel's own choice (listen on port 0) comes from that
 * range: a test that picks a port, starts engines and only then starts a service on it could
 * find the port held by some keep-alive connection meanwhile (seen in CI: "port … to be
 * released did not answer within 15 s").
 */
function listenerRange(): { min: number; max: number } | undefined {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number)
    if (low && low > 12_000) return { min: 10_000, max: low - 1 }
  } catch {}
  return undefined
}

/** Ports this process has handed out, so two calls never return the same one. */
const handedOut = new Set<number>()

/**
 * A port that is free right now and outside the ephemeral range where the system has one (tests
 * use these so several runs can coexist); else the kernel's choice.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const range = listenerRange()
  if (range) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const port = range.min + randomInt(range.max - range.min + 1)
      if (handedOut.has(port) || !(await isPortFree(port, host))) continue
      handedOut.add(port)
      return port
    }
  }
  return kernelPort(host)
}

function kernelPort(host: string): Promise<number> {
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
