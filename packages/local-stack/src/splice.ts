import type net from 'node:net'

/**
 * Carries bytes both ways between two sockets; when either side fails or closes, both are
 * destroyed (a half-open bridge would hang its client), and `onClose` runs once.
 */
export function splice(client: net.Socket, upstream: net.Socket, onClose?: () => void): void {
  client.pipe(upstream).pipe(client)
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    onClose?.()
    client.destroy()
    upstream.destroy()
  }
  for (const socket of [client, upstream]) {
    socket.on('error', close)
    socket.on('close', close)
  }
}
