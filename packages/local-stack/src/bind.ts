import net from 'node:net'

/** Where everything the local stack starts listens unless asked otherwise. */
export const LOOPBACK = '127.0.0.1'

/**
 * The address the local stack binds: 127.0.0.1, or what `STACK_BIND` asks for (an IP address,
 * e.g. 0.0.0.0 to be reachable from other machines: then anyone who can reach this machine
 * reaches the engines, which have no authentication of their own).
 */
export function stackBind(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.STACK_BIND?.trim()
  if (!raw) return LOOPBACK
  if (net.isIP(raw) === 0) throw new Error(`STACK_BIND must be an IP address (e.g. 0.0.0.0), got "${raw}"`)
  return raw
}

/** The address clients use to reach a server bound to `bind`: loopback for a wildcard. */
export function connectHost(bind: string): string {
  if (bind === '0.0.0.0' || bind === '::') return LOOPBACK
  return net.isIPv6(bind) ? `[${bind}]` : bind
}

export const isLoopback = (bind: string) => bind === LOOPBACK || bind === '::1' || bind.startsWith('127.')
