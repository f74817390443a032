import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DEFAULT_TABLE_NAME } from '@cruddur/dynamodb'
import { DEMO_ACCOUNTS } from '@cruddur/types'
import { type Engines, startEngines } from './engines.js'
import type { StackFacts } from './facts.js'
import { freePort } from './ports.js'
import { hasRedis, type RedisEngine, startRedis } from './redis.js'

export const DEFAULT_TABLE = DEFAULT_TABLE_NAME
export const DEMO_PASSWORD = 'Cruddur-Demo-1!'
export const DEMO_USERS = DEMO_ACCOUNTS.map((account) => account.handle)
export const DEMO_EMAILS: Record<string, string> = Object.fromEntries(
  DEMO_ACCOUNTS.map((account) => [account.handle, account.email]),
)

/** The origins a test run's browser pages come from: loopback, any port. */
export const TEST_PAGE_ORIGINS = 'http://127.0.0.1:*,http://localhost:*'

/**
 * A throw-away stack for a test run: free ports, an in-memory DynamoDB, a Postgres cluster
 * without fsync in a temp folder, a fresh Cognito pool. Several runs can coexist.
 */
export async function startTestStack(
  region = 'us-east-1',
): Promise<{ facts: StackFacts; stop(): Promise<void> }> {
  // Private (0700) like .local/: as root, the postgres user gets an ACL entry to reach its data.
  const base = await mkdtemp(path.join(os.tmpdir(), 'cruddur-test-'))
  const [pgPort, ddbPort, cognitoPort] = [await freePort(), await freePort(), await freePort()]
  let engines: Engines
  let redis: RedisEngine | undefined
  try {
    engines = await startEngines({
      region,
      ports: { postgres: pgPort, dynamodb: ddbPort, cognito: cognitoPort },
      dirs: { postgres: path.join(base, 'postgres'), cognito: path.join(base, 'cognito') },
      ephemeral: true,
      // The browser tests serve their pages on free loopback ports; pages anywhere else stay refused.
      cognitoCorsOrigins: TEST_PAGE_ORIGINS,
    })
  } catch (error) {
    await rm(base, { recursive: true, force: true })
    throw error
  }
  try {
    // Only the tests of the realtime features need it; they say what to install when it is missing.
    if (hasRedis()) redis = await startRedis({ port: await freePort(), dir: path.join(base, 'redis') })
  } catch (error) {
    await engines.stop()
    await rm(base, { recursive: true, force: true })
    throw error
  }
  const facts: StackFacts = {
    region,
    postgres: { url: engines.postgres.url() },
    dynamodb: { endpoint: engines.dynamodb.endpoint, table: DEFAULT_TABLE },
    cognito: {
      endpoint: engines.cognito.endpoint,
      userPoolId: engines.cognito.userPoolId,
      clientId: engines.cognito.clientId,
      jwksUrl: engines.cognito.jwksUrl,
    },
    gateway: { url: '' },
    userService: { url: '' },
    messagingService: { url: '' },
    internalToken: randomBytes(24).toString('base64url'),
    cursorSecret: randomBytes(32).toString('base64url'),
    demoPassword: DEMO_PASSWORD,
    demoUsers: DEMO_USERS,
    demoEmails: DEMO_EMAILS,
    ...(redis ? { redis: { url: redis.url } } : {}),
  }
  return {
    facts,
    async stop() {
      await Promise.all([engines.stop(), redis?.stop()])
      await rm(base, { recursive: true, force: true })
    },
  }
}
