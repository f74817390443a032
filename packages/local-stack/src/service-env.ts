import { LOOPBACK } from './bind.js'
import type { StackFacts } from './facts.js'

export type ServiceName = 'user-service' | 'messaging-service' | 'gateway'

/** The database the user directory lives in on the local stack. */
export const USER_DATABASE = 'cruddur'

/** The web client's origin when FRONTEND_URL is not given (Cruddur's React dev server). */
export const DEFAULT_FRONTEND_URL = 'http://localhost:3000'

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

/** Where a service of the stack answers. */
export function serviceUrl(facts: StackFacts, service: ServiceName): string {
  if (service === 'gateway') return facts.gateway.url
  return service === 'user-service' ? facts.userService.url : facts.messagingService.url
}

function portOf(service: ServiceName, url: string, port: number | undefined): string {
  if (port !== undefined) return String(port)
  if (!url) throw new Error(`the stack facts have no ${service} URL: give serviceEnv a port`)
  return new URL(url).port
}

/** `handle:email` of each demo user that has an e-mail, comma-separated (WEB_DEMO_ACCOUNTS). */
const demoAccounts = (facts: StackFacts) =>
  facts.demoUsers
    .filter((handle) => facts.demoEmails?.[handle])
    .map((handle) => `${handle}:${facts.demoEmails[handle]}`)
    .join(',')

/** The gateway's web page settings on a local stack: its pool, and the demo accounts to list. */
function webPageEnv(facts: StackFacts): Record<string, string> {
  const accounts = demoAccounts(facts)
  return {
    AWS_REGION: facts.region,
    COGNITO_ENDPOINT: facts.cognito.endpoint,
    COGNITO_USER_POOL_ID: facts.cognito.userPoolId,
    COGNITO_CLIENT_ID: facts.cognito.clientId,
    ...(accounts && facts.demoPassword
      ? { WEB_DEMO_ACCOUNTS: accounts, WEB_DEMO_PASSWORD: facts.demoPassword }
      : {}),
  }
}

export interface ServiceEnvOptions {
  port?: number
  logLevel?: string
  /** The listen address; 127.0.0.1 unless STACK_BIND asked for another. */
  host?: string
  /**
   * Where the settings a user gives the stack come from (FRONTEND_URL): the stack's own
   * environment unless told otherwise, so what `pnpm start` or `cruddur-stack env` is given is
   * what the services get.
   */
  from?: NodeJS.ProcessEnv
  /**
   * Settings of the service's own schema that a harness sets on top (e.g. the benchmark's and
   * the system tests' high send limit: they send faster than any person).
   */
  env?: Record<string, string>
}

/**
 * The environment a service runs with against a stack: exactly the variables of its config
 * schema. The one builder of it: `pnpm start`, `cruddur-stack env`, the setup hooks and the
 * test helpers all call it (and spread it after process.env, so it wins over stray values).
 * docker-compose.yml sets the same names (a test checks that).
 */
export function serviceEnv(
  service: ServiceName,
  facts: StackFacts,
  options: ServiceEnvOptions = {},
): Record<string, string> {
  const from = options.from ?? process.env
  const frontendUrl = from.FRONTEND_URL?.trim() || DEFAULT_FRONTEND_URL
  if (service === 'gateway') {
    // The public edge holds no secret and talks to no engine: where the services are, and what
    // its web page signs in with (the local pool, and the demo accounts it lists).
    return {
      PORT: portOf(service, facts.gateway.url, options.port),
      HOST: options.host ?? LOOPBACK,
      LOG_LEVEL: options.logLevel ?? 'info',
      USER_SERVICE_URL: facts.userService.url,
      MESSAGING_SERVICE_URL: facts.messagingService.url,
      FRONTEND_URL: frontendUrl,
      ...webPageEnv(facts),
      ...options.env,
    }
  }
  const common = {
    HOST: options.host ?? LOOPBACK,
    LOG_LEVEL: options.logLevel ?? 'info',
    AWS_REGION: facts.region,
    // The SDK wants credentials even for local engines; these are not secrets.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    COGNITO_USER_POOL_ID: facts.cognito.userPoolId,
    COGNITO_CLIENT_ID: facts.cognito.clientId,
    INTERNAL_TOKEN: facts.internalToken,
    FRONTEND_URL: frontendUrl,
  }
  if (service === 'user-service') {
    return {
      ...common,
      PORT: portOf(service, facts.userService.url, options.port),
      DATABASE_URL: databaseUrl(facts.postgres.url, USER_DATABASE),
      COGNITO_ENDPOINT: facts.cognito.endpoint,
      ...options.env,
    }
  }
  return {
    ...common,
    PORT: portOf(service, facts.messagingService.url, options.port),
    DYNAMODB_ENDPOINT: facts.dynamodb.endpoint,
    DDB_MESSAGE_TABLE: facts.dynamodb.table,
    COGNITO_ENDPOINT: facts.cognito.endpoint,
    COGNITO_JWKS_URL: facts.cognito.jwksUrl,
    USER_SERVICE_URL: facts.userService.url,
    CURSOR_SECRET: facts.cursorSecret,
    ...options.env,
  }
}
