/**
 * The connection facts of a running stack: the shape of `.local/stack.json` (README: The local stack) and of the CRUDDUR_STACK variable that the test command hands to test files.
 */
export interface StackFacts {
  postgres: { url: string }
  dynamodb: { endpoint: string; table: string }
  cognito: { endpoint: string; userPoolId: string; clientId: string; jwksUrl: string }
  /** The one public origin (browsers, the web client): routes to the two services. */
  gateway: { url: string }
  userService: { url: string }
  messagingService: { url: string }
  internalToken: string
  /** The messaging-service's own secret for signing list cursors (never the internal token). */
  cursorSecret: string
  demoPassword: string
  /** The demo users' handles, and the e-mail each one signs in with. */
  demoUsers: string[]
  demoEmails: Record<string, string>
  region: string
  /** The test stack's Redis, where redis-server is installed (`pnpm start` never needs one). */
  redis?: { url: string }
}

export const STACK_ENV = 'CRUDDUR_STACK'

export function parseStackFacts(raw: string): StackFacts {
  const facts = JSON.parse(raw) as StackFacts
  for (const key of ['postgres', 'dynamodb', 'cognito'] as const) {
    if (!facts[key]) throw new Error(`stack facts lack "${key}"`)
  }
  return facts
}
