import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { splice } from './splice.js'

export type Containment =
  | { contained: true; how: string; prefix: string[] }
  | { contained: false; reason: string }

/** iproute2's `ip` lives in sbin, which an ordinary user's PATH often lacks. */
function findIp(): string | undefined {
  for (const candidate of ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'])
    if (existsSync(candidate)) return candidate
  return spawnSync('ip', ['-V'], { stdio: 'ignore' }).status === 0 ? 'ip' : undefined
}

/**
 * Whether an engine can get a network namespace of its own here (loopback only, nothing else),
 * tried for real once: as root with `unshare --net`; as an ordinary user inside a new user
 * namespace (`unshare --user --map-root-user --net`), where the kernel allows unprivileged user
 * namespaces. Costs a few milliseconds.
 */
function probeContainment(): Containment {
  if (process.platform !== 'linux') return { contained: false, reason: 'network namespaces are Linux-only' }
  const ip = findIp()
  if (!ip) return { contained: false, reason: "iproute2's `ip` is not installed" }
  const root = os.userInfo().uid === 0
  const prefix = root ? ['unshare', '--net', '--'] : ['unshare', '--user', '--map-root-user', '--net', '--']
  const [bin, ...args] = prefix as [string, ...string[]]
  const probe = spawnSync(bin, [...args, ip, 'link', 'set', 'lo', 'up'], { encoding: 'utf8' })
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0]
    return { contained: false, reason: `\`${prefix.slice(0, -1).join(' ')}\` failed here: ${why}` }
  }
  return {
    contained: true,
    how: root ? 'own network namespace' : 'own user + network namespace',
    // Inside: bring the namespace's loopback up, then become the forwarder (which starts the engine).
    prefix: [...prefix, 'sh', '-c', `${ip} link set lo up && exec "$0" "$@"`],
  }
}

let cached: Containment | undefined
export function networkContainment(): Containment {
  cached ??= probeContainment()
  return cached
}

/** The built forwarder (also when this module runs from its TypeScript source, as in the tests). */
export const forwarderScript = () =>
  fileURLToPath(
    new URL(
      import.meta.url.endsWith('.ts') ? '../dist/ns-forwarder.js' : './ns-forwarder.js',
      import.meta.url,
    ),
  )

export interface Bridge {
  close(): Promise<void>
}

/**
 * The host side of the bridge: a TCP listener on `host:port` that carries each connection to
 * the forwarder's Unix socket inside the namespace.
 */
export function listenBridge(host: string, port: number, socketPath: string): Promise<Bridge> {
  const open = new Set<net.Socket>()
  const server = net.createServer((client) => {
    open.add(client)
    splice(client, net.connect(socketPath), () => open.delete(client))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject)
      resolve({
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}
