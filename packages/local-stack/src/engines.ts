import { type CognitoEngine, type CognitoOptions, startCognito } from './cognito.js'
import { type DynamoEngine, startDynamo } from './dynamodb.js'
import { type PostgresEngine, startPostgres } from './postgres.js'

export interface Engines {
  postgres: PostgresEngine
  dynamodb: DynamoEngine
  cognito: CognitoEngine
  stop(): Promise<void>
}

export interface EnginesOptions {
  region: string
  ports: { postgres: number; dynamodb: number; cognito: number }
  dirs: { postgres: string; dynamodb?: string; cognito: string }
  userPoolId?: string
  ephemeral: boolean
  /** The listen address of all three (127.0.0.1 unless STACK_BIND asks otherwise). */
  bind?: string
  /** The web client's origins (FRONTEND_URL): what DynamoDB Local and cognito-local allow browsers. */
  corsOrigins?: string
  /**
   * What cognito-local allows instead of corsOrigins; an origin ending in ":*" allows any port
   * of that host (the test stack's pages are served from free ports on loopback).
   */
  cognitoCorsOrigins?: string
  triggers?: CognitoOptions['triggers']
  onConfirmationCode?: CognitoOptions['onConfirmationCode']
  log?: (engine: string, line: string) => void
}

/**
 * Starts the three engines side by side. If one fails, the ones that did start are stopped
 * again before the error is passed on, so a failed start never leaves a java or postgres behind.
 */
export async function startEngines(options: EnginesOptions): Promise<Engines> {
  const log = (engine: string) => (line: string) => options.log?.(engine, line)
  const shared = {
    ...(options.bind ? { bind: options.bind } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
  }
  const results = await Promise.allSettled([
    startPostgres({
      port: options.ports.postgres,
      dataDir: options.dirs.postgres,
      ephemeral: options.ephemeral,
      ...(options.bind ? { bind: options.bind } : {}),
      log: log('postgres'),
    }),
    startDynamo({
      port: options.ports.dynamodb,
      ...(options.dirs.dynamodb ? { dataDir: options.dirs.dynamodb } : {}),
      ...shared,
      log: log('dynamodb'),
    }),
    startCognito({
      port: options.ports.cognito,
      dataDir: options.dirs.cognito,
      region: options.region,
      ...(options.userPoolId ? { userPoolId: options.userPoolId } : {}),
      ...shared,
      ...(options.cognitoCorsOrigins ? { corsOrigins: options.cognitoCorsOrigins } : {}),
      ...(options.triggers ? { triggers: options.triggers } : {}),
      ...(options.onConfirmationCode ? { onConfirmationCode: options.onConfirmationCode } : {}),
      log: log('cognito'),
    }),
  ])
  const [pg, ddb, cognito] = results
  if (pg.status === 'fulfilled' && ddb.status === 'fulfilled' && cognito.status === 'fulfilled') {
    const engines = { postgres: pg.value, dynamodb: ddb.value, cognito: cognito.value }
    return {
      ...engines,
      async stop() {
        await Promise.allSettled([engines.cognito.stop(), engines.dynamodb.stop(), engines.postgres.stop()])
      },
    }
  }
  await Promise.allSettled(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)))
  const reasons = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)))
  throw new Error(reasons.join('\n'))
}
