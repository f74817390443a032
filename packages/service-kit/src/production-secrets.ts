import { COMPOSE_ENGINE_HOSTS, isLocalEndpoint } from './local-endpoint.js'

/** The configuration variables that hold a secret of ours (whichever a service has). */
export const SECRET_VARIABLES = ['INTERNAL_TOKEN', 'CURSOR_SECRET', 'CURSOR_SECRET_PREVIOUS'] as const

/** A production secret's least length: 32 characters (e.g. `openssl rand -base64 32` gives 44). */
export const PRODUCTION_SECRET_MIN_LENGTH = 32

/**
 * Every secret value this repository publishes (compose defaults, documentation examples): known
 * to anyone who reads it, so never a production secret. A test scans the repository's tracked
 * files for such values and fails until each one it finds is refused, i.e. listed here or short.
 */
export const PUBLISHED_SECRETS: readonly string[] = [
  'compose-local-internal-token-change-me',
  'compose-local-cursor-secret-change-me-0123',
  // tools/openapi builds the apps with these only to describe them.
  'describe-only-internal-token-0123456789',
  'describe-only-cursor-secret-0123456789',
]

/**
 * Production is where no local endpoint is configured: no `*_ENDPOINT` variable points at this
 * machine (loopback) or at a compose engine. The same code then talks to the real AWS services.
 */
export function isProduction(config: Record<string, unknown>): boolean {
  const composeHosts = Object.values(COMPOSE_ENGINE_HOSTS)
  return !Object.entries(config).some(
    ([name, value]) =>
      name.endsWith('_ENDPOINT') && typeof value === 'string' && isLocalEndpoint(value, composeHosts),
  )
}

/** Why a secret cannot serve in production, or undefined when it can. */
function weakness(value: string): string | undefined {
  if (value.length < PRODUCTION_SECRET_MIN_LENGTH) {
    return `it is shorter than ${PRODUCTION_SECRET_MIN_LENGTH} characters`
  }
  if (PUBLISHED_SECRETS.includes(value)) return 'it is a value published in the Cruddur repository'
  return undefined
}

/**
 * In production, refuses a weak or published secret with a message naming the variable; where a
 * local endpoint is configured (the local stack, compose, tests) any valid value is accepted.
 */
export function assertProductionSecrets(config: Record<string, unknown>): void {
  if (!isProduction(config)) return
  for (const name of SECRET_VARIABLES) {
    const value = config[name]
    if (typeof value !== 'string') continue
    const why = weakness(value)
    if (why) {
      throw new Error(
        `${name} is refused: no local endpoint is configured (production) and ${why}. ` +
          `Generate one of your own, e.g. \`openssl rand -base64 32\`.`,
      )
    }
  }
}
