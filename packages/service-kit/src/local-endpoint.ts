import { isIPv4 } from 'node:net'

/**
 * Host names of the engines on the compose network (docker-compose.yml): a service there
 * reaches DynamoDB Local and cognito-local by these names, which nothing outside resolves.
 */
export const COMPOSE_ENGINE_HOSTS = { dynamodb: 'dynamodb-local', cognito: 'cognito-local' } as const

/** Loopback only: `localhost`, an IPv4 address in 127.0.0.0/8, or `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'))
}

/**
 * Whether an endpoint URL points at an engine on this machine (loopback) or at one of the named
 * compose engines. Anything else (a private address, another name without a dot, an IPv6
 * literal, `localhost.evil.com`) is not local.
 */
export function isLocalEndpoint(endpoint: string | undefined, composeHosts: readonly string[] = []): boolean {
  if (!endpoint) return false
  let hostname: string
  try {
    hostname = new URL(endpoint).hostname
  } catch {
    return false
  }
  return isLoopbackHost(hostname) || composeHosts.includes(hostname.toLowerCase())
}
