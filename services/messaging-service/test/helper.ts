import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDynamoClient, dropTable, ensureTable } from '@cruddur/dynamodb'
import { freePort, localCognitoClient, startRedis } from '@cruddur/local-stack'
import {
  createCognitoPerson,
  createTestDatabase,
  migrateUserDatabase,
  registerPerson,
  type StackFacts,
  serviceEnv,
  signInPerson,
  startServiceProcess,
  testStack,
  uniqueSuffix,
} from '@cruddur/local-stack/testing'
import { serverOptions } from '@cruddur/service-kit'
import type { InternalUser } from '@cruddur/types'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import app from '../src/app.js'

const here = path.dirname(fileURLToPath(import.meta.url))
export const userServiceDir = path.resolve(here, '../../user-service')

/** The env a test app runs with: the test stack's engines and a table name of its own. */
export function testEnv(overrides: Record<string, string> = {}) {
  const facts = testStack()
  return {
    facts,
    env: {
      ...serviceEnv('messaging-service', facts, { port: 0, logLevel: 'silent' }),
      DDB_MESSAGE_TABLE: `test-messages-${uniqueSuffix()}`,
      // Nothing listens there: tests that need user-service start their own.
      USER_SERVICE_URL: 'http://127.0.0.1:9',
      // Tests send far faster than a person (100 concurrent sends by one caller): the send limit
      // is tested on its own, with its own values (rate-limit.test.ts).
      SEND_RATE_LIMIT_MAX: '1000000',
      ...overrides,
    } as Record<string, string>,
  }
}

/** Builds the app from app.ts (as server.ts does, minus listen) and closes it after the test. */
export async function build(t: Test, overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const { env } = testEnv(overrides)
  const fastify = Fastify({ ...serverOptions('messaging-service'), logger: false })
  await fastify.register(app, { env })
  await fastify.ready()
  t.teardown(() => fastify.close())
  return fastify
}

export interface UserServiceInstance {
  url: string
  process: ChildProcess
  stop(): Promise<void>
}

/**
 * A real user-service for this test file: its own migrated database, `node dist/server.js` on a
 * free port, stopped (and the database dropped) after the test.
 */
export async function startUserService(
  t: Test,
  facts: StackFacts = testStack(),
): Promise<UserServiceInstance> {
  const db = await createTestDatabase(facts, 'msgusers')
  t.teardown(() => db.drop())
  const port = await freePort()
  const env = {
    ...serviceEnv('user-service', facts, { port, logLevel: 'warn' }),
    DATABASE_URL: db.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
  }
  await migrateUserDatabase(env, userServiceDir)
  const service = await startServiceProcess(t, {
    service: 'user-service',
    env,
    url: `http://127.0.0.1:${port}`,
    dir: userServiceDir,
  })
  return { url: service.url, process: service.child, stop: service.stop }
}

export interface TestUser {
  handle: string
  sub: string
  accessToken: string
  idToken: string
  /** As the user directory knows them (undefined when not registered). */
  user?: InternalUser
}

/**
 * A user in the shared cognito-local pool with a unique name, signed in with USER_PASSWORD_AUTH,
 * and (unless `register: false`) registered in user-service through the post-confirmation event.
 */
export async function cognitoUser(
  t: Test,
  options: { prefix: string; userServiceUrl?: string; register?: boolean; displayName?: string },
  facts: StackFacts = testStack(),
): Promise<TestUser> {
  const client = localCognitoClient(facts.cognito.endpoint, facts.region)
  t.teardown(() => client.destroy())
  const handle = `${options.prefix}${uniqueSuffix()}`
  const person = {
    handle,
    email: `${handle}@example.test`,
    name: options.displayName ?? `Test ${handle}`,
    password: `Pw-${uniqueSuffix()}-Aa1!`,
  }
  const { sub } = await createCognitoPerson(client, facts, person)
  const { accessToken, idToken } = await signInPerson(client, facts, person.email, person.password)
  const user =
    options.register !== false && options.userServiceUrl
      ? await registerPerson<InternalUser>(options.userServiceUrl, facts, { ...person, sub })
      : undefined
  return { handle, sub, accessToken, idToken, ...(user ? { user } : {}) }
}

/** The app wired to a real user-service, plus helpers that call it as a given user. */
export async function apiHarness(t: Test, overrides: Record<string, string> = {}) {
  const facts = testStack()
  const users = await startUserService(t, facts)
  const table = `test-messages-${uniqueSuffix()}`
  const admin = createDynamoClient({ region: facts.region, endpoint: facts.dynamodb.endpoint })
  await ensureTable(admin, table)
  t.teardown(async () => {
    await dropTable(admin, table)
    admin.destroy()
  })
  const app = await build(t, { USER_SERVICE_URL: users.url, DDB_MESSAGE_TABLE: table, ...overrides })
  const as = (user: TestUser) => ({ authorization: `Bearer ${user.accessToken}` })
  return { facts, app, table, userService: users, as }
}

/** A Redis of this test's own, to stop and start again on the same port; stopped in teardown. */
export async function ownRedis(t: Test) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cruddur-redis-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const port = await freePort()
  let redis = await startRedis({ port, dir })
  t.teardown(() => redis.stop())
  return {
    url: redis.url,
    stop: () => redis.stop(),
    async restart() {
      redis = await startRedis({ port, dir })
    },
  }
}
