import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import postgres from 'postgres'
import { parseStackFacts, STACK_ENV, type StackFacts } from './facts.js'
import { uniqueSuffix } from './unique-suffix.js'

export type { StackFacts } from './facts.js'
export { type ServiceName, serviceEnv, serviceUrl } from './service-env.js'
export { openSse, type SseBlock, type SseStream } from './sse-client.js'
export { type HealthChecks, testHealthAndReadiness } from './test-health.js'
export {
  createCognitoPerson,
  type PersonSpec,
  postConfirmationEvent,
  registerPerson,
  type SignedIn,
  signInPerson,
} from './test-people.js'
export {
  migrateUserDatabase,
  type ServiceProcess,
  type ServiceProcessOptions,
  startServiceProcess,
  type Teardown,
  testTable,
} from './test-services.js'
export { uniqueSuffix } from './unique-suffix.js'

export function testStack(): StackFacts {
  const raw = process.env[STACK_ENV]
  if (!raw) {
    throw new Error(
      `${STACK_ENV} is not set: these tests need the local engines. Run them with \`pnpm test\` ` +
        'from the repository root, or `pnpm exec cruddur-stack run -- tap` in a package.',
    )
  }
  return parseStackFacts(raw)
}

/** A short random suffix for names that must not collide between parallel test files. */

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** Creates an empty database for one test file; `drop()` removes it again. */
export async function createTestDatabase(
  facts: StackFacts = testStack(),
  prefix = 'test',
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${uniqueSuffix()}`
  const admin = postgres(facts.postgres.url, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database "${name}"`)
  } finally {
    await admin.end({ timeout: 2 })
  }
  return {
    name,
    url: withDatabase(facts.postgres.url, name),
    async drop() {
      const sql = postgres(facts.postgres.url, { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`)
      } finally {
        await sql.end({ timeout: 2 })
      }
    },
  }
}

/** The one line a test that needs Redis stops with when the machine has none. */
export const REDIS_MISSING =
  'these tests need Redis and `redis-server` was not found on PATH: apt-get install -y redis-server (macOS: brew install redis)'

/**
 * The test stack's Redis, for the tests of the realtime features. Where `redis-server` is not
 * installed the stack has none: the test file then stops at once with one line naming what to
 * install (as the stack does for Java), never skipping silently.
 */
export function requireRedis(
  facts: StackFacts = testStack(),
  stop: (line: string) => never = (line) => {
    process.stderr.write(`${line}\n`)
    process.exit(1)
  },
): { url: string } {
  return facts.redis ?? stop(REDIS_MISSING)
}

/** A table with only a string hash key `pk`, on demand: what a test of an engine (not of our table) writes to. */
export async function createScratchTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
}
