import type { StackFacts } from './facts.js'

export type ServiceName = 'user-service' | 'messaging-service'

/** The database the user directory lives in on the local stack. */
export const USER_DATABASE = 'cruddur'

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

/**
 * The environment each service is started with on the local stack: exactly the variables of
 * CONTRACT.md section 4. docker-compose.yml sets the same names (a test checks that).
 */
export function serviceEnv(
  service: ServiceName,
  facts: StackFacts,
  extra: { port?: number; logLevel?: string; frontendUrl?: string } = {},
): Record<string, string> {
  const common = {
    HOST: '127.0.0.1',
    LOG_LEVEL: extra.logLevel ?? 'info',
    AWS_REGION: facts.region,
    // The SDK wants credentials even for local engines; these are not secrets.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    COGNITO_USER_POOL_ID: facts.cognito.userPoolId,
    COGNITO_CLIENT_ID: facts.cognito.clientId,
    INTERNAL_TOKEN: facts.internalToken,
    FRONTEND_URL: extra.frontendUrl ?? 'http://localhost:3000',
  }
  if (service === 'user-service') {
    return {
      ...common,
      PORT: String(extra.port ?? new URL(facts.userService.url).port),
      DATABASE_URL: databaseUrl(facts.postgres.url, USER_DATABASE),
      COGNITO_ENDPOINT: facts.cognito.endpoint,
    }
  }
  return {
    ...common,
    PORT: String(extra.port ?? new URL(facts.messagingService.url).port),
    DYNAMODB_ENDPOINT: facts.dynamodb.endpoint,
    DDB_MESSAGE_TABLE: facts.dynamodb.table,
    COGNITO_ENDPOINT: facts.cognito.endpoint,
    COGNITO_JWKS_URL: facts.cognito.jwksUrl,
    USER_SERVICE_URL: facts.userService.url,
    CURSOR_SECRET: facts.cursorSecret,
  }
}
