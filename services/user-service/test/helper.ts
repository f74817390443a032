import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import {
  createTestDatabase,
  type StackFacts,
  serviceEnv,
  testStack,
  uniqueSuffix,
} from '@cruddur/local-stack/testing'
import { serverOptions } from '@cruddur/service-kit'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import postgres from 'postgres'
import type { Test } from 'tap'
import app from '../src/app.js'
import { migrate } from '../src/directory/index.js'

/** A database of this test's own, migrated unless asked not to; dropped after the test. */
export async function testDatabase(t: Test, options: { migrate?: boolean } = {}) {
  const facts = testStack()
  const db = await createTestDatabase(facts, 'users')
  t.teardown(() => db.drop())
  if (options.migrate !== false) {
    const sql = postgres(db.url, { max: 1, onnotice: () => {} })
    try {
      await migrate(sql)
    } finally {
      await sql.end({ timeout: 2 })
    }
  }
  return db
}

/** A client of the test stack's cognito-local. */
export function cognitoTestClient(t: Test, facts: StackFacts = testStack()) {
  const client = new CognitoIdentityProviderClient({
    endpoint: facts.cognito.endpoint,
    region: facts.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  t.teardown(() => client.destroy())
  return client
}

/**
 * A Cognito pool of this test's own (cognito-local's CreateUserPool, `local_…` id), so sync
 * counts never see the users of other test files in the shared pool.
 */
export async function testPool(
  t: Test,
): Promise<{ client: CognitoIdentityProviderClient; userPoolId: string }> {
  const client = cognitoTestClient(t)
  const created = await client.send(new CreateUserPoolCommand({ PoolName: `users-test-${uniqueSuffix()}` }))
  const userPoolId = created.UserPool?.Id
  if (!userPoolId) throw new Error('cognito-local created a pool without an id')
  return { client, userPoolId }
}

/** The env a test app runs with: the test stack's engines, a (migrated) database of its own. */
export async function testEnv(
  t: Test,
  overrides: Record<string, string> = {},
  options: { migrate?: boolean } = {},
) {
  const facts = testStack()
  const db = await testDatabase(t, options)
  return {
    facts,
    db,
    env: {
      ...serviceEnv('user-service', facts, { port: 0, logLevel: 'silent' }),
      DATABASE_URL: db.url,
      ...overrides,
    } as Record<string, string>,
  }
}

/** Builds the app from app.ts (as server.ts does, minus listen) and closes it after the test. */
export async function build(t: Test, overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const { env } = await testEnv(t, overrides)
  return buildWithEnv(t, env)
}

export async function buildWithEnv(t: Test, env: Record<string, string>): Promise<FastifyInstance> {
  const fastify = Fastify({ ...serverOptions('user-service'), logger: false })
  // fp, as runServer does: the app's decorators (sql, users) stay visible to the test.
  await fastify.register(fp(app), { env })
  await fastify.ready()
  t.teardown(() => fastify.close())
  return fastify
}

/** A direct client on a test database (for arranging rows and checking what was written). */
export function sqlClient(t: Test, url: string) {
  const sql = postgres(url, { max: 2, onnotice: () => {} })
  t.teardown(() => sql.end({ timeout: 2 }))
  return sql
}

/**
 * A Cognito user made by an admin (AdminCreateUser, no invitation): FORCE_CHANGE_PASSWORD and an
 * unverified e-mail, unless `confirmed`: then with a verified e-mail and a permanent password
 * (CONFIRMED), the only kind the sync links to an existing row. Answers its sub.
 */
export async function addCognitoUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
  attributes: Record<string, string>,
  options: { confirmed?: boolean } = {},
): Promise<string> {
  const all = options.confirmed ? { email_verified: 'true', ...attributes } : attributes
  const res = await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(all).map(([Name, Value]) => ({ Name, Value })),
    }),
  )
  if (options.confirmed)
    await client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: username,
        Password: 'Confirmed-Passw0rd!',
        Permanent: true,
      }),
    )
  const sub = res.User?.Attributes?.find((a) => a.Name === 'sub')?.Value
  if (!sub) throw new Error('cognito-local created a user without a sub')
  return sub
}

/** A body that is not JSON (cut short) posted as JSON: every route answers 400 invalid_json. */
export function postGarbledJson(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string>,
  payload: string,
) {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    payload,
  })
}

/** The status of an answer and the error codes of its body. */
export function assertErrors(
  t: Test,
  res: { statusCode: number; json(): { errors?: unknown } },
  status: number,
  codes: string[],
  label = `${status} ${codes.join(', ')}`,
) {
  t.equal(res.statusCode, status, label)
  t.same(res.json().errors, codes, label)
}
