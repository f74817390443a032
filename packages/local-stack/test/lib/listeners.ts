import { readFileSync } from 'node:fs'
import net from 'node:net'

/** `0100007F` → `127.0.0.1`; the 32-digit IPv6 form → its `::`-less text (enough to compare). */
function address(hex: string): string {
  if (hex.length === 8)
    return [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.')
  const words: string[] = []
  for (let i = 0; i < 32; i += 8) {
    const word = hex.slice(i, i + 8)
    words.push(word.slice(6, 8) + word.slice(4, 6), word.slice(2, 4) + word.slice(0, 2))
  }
  return words.map((w) => Number.parseInt(w, 16).toString(16)).join(':')
}

/**
 * Every listening TCP socket of this network namespace on `port`, as the kernel reports it
 * (/proc/net/tcp and tcp6): `ss -ltn` without needing iproute2.
 */
export function listenersOn(port: number): string[] {
  const found: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = ''
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (!local || state !== '0A') continue
      const [ip, hexPort] = local.split(':') as [string, string]
      if (Number.parseInt(hexPort, 16) === port) found.push(address(ip))
    }
  }
  return found
}

/** Whether anything accepts a connection at host:port (within a second). */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    socket.setTimeout(1_000, () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('connect', () => {
      socket.end()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
