import { type ChildProcess, execFile, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createDynamoClient, dropTable, ensureTable } from '@cruddur/dynamodb'
import { freePort, localCognitoClient } from '@cruddur/local-stack'
import {
  createCognitoPerson,
  createTestDatabase,
  registerPerson,
  type StackFacts,
  serviceEnv,
  signInPerson,
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
    ...process.env,
    ...serviceEnv('user-service', facts, { port, logLevel: 'warn' }),
    DATABASE_URL: db.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
  }
  await promisify(execFile)(process.execPath, ['dist/cli/index.js', 'db:migrate'], {
    cwd: userServiceDir,
    env,
  })
  const child = spawn(process.execPath, ['dist/server.js'], { cwd: userServiceDir, env, stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
  }
  t.teardown(stop)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1_000) })
      if (res.status === 200) break
    } catch {}
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('user-service did not become ready')
    await new Promise((r) => setTimeout(r, 100))
  }
  return { url, process: child, stop }
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
