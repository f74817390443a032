import net from 'node:net'

/**
 * A loopback TCP proxy in front of an engine, so a test can make the engine *slow* (hold the
 * bytes) without killing it: what a stalled network or an overloaded DynamoDB looks like to
 * the service. Killing the engine itself is done on the real process.
 */
export interface TcpProxy {
  port: number
  endpoint: string
  /** Stop forwarding (bytes queue up in both directions) until release(). */
  hold(): void
  release(): void
  close(): Promise<void>
}

export async function startProxy(targetPort: number, host = '127.0.0.1'): Promise<TcpProxy> {
  let held = false
  const waiting: Array<() => void> = []
  const sockets = new Set<net.Socket>()
  const pipe = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk)
      }
      if (held) {
        from.pause()
        waiting.push(() => {
          send()
          from.resume()
        })
      } else send()
    })
    from.on('end', () => to.end())
    from.on('error', () => to.destroy())
    from.on('close', () => to.destroy())
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, host)
    sockets.add(client)
    sockets.add(upstream)
    client.on('close', () => sockets.delete(client))
    upstream.on('close', () => sockets.delete(upstream))
    pipe(client, upstream)
    pipe(upstream, client)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve())
  })
  const address = server.address()
  if (!address || typeof address !== 'object') throw new Error('proxy has no port')
  return {
    port: address.port,
    endpoint: `http://${host}:${address.port}`,
    hold() {
      held = true
    },
    release() {
      held = false
      for (const go of waiting.splice(0)) go()
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
