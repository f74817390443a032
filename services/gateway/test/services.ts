/**
 * The real services behind the gateway in its tests: user-service and messaging-service as
 * processes (`node dist/server.js`) with the local stack's service environment, on free ports,
 * each with a database / table of this test file's own; and Cognito users signed up the way
 * production does it, signing in with their e-mail address.
 */
import { randomBytes } from 'node:crypto'
import { freePort, localCognitoClient, type StackFacts, serviceEnv } from '@cruddur/local-stack'
import {
  createCognitoPerson,
  createTestDatabase,
  migrateUserDatabase,
  registerPerson,
  type ServiceProcess,
  signInPerson,
  startServiceProcess,
  testStack,
  testTable,
  uniqueSuffix,
} from '@cruddur/local-stack/testing'
import type { Test } from 'tap'

export interface RealServices {
  facts: StackFacts
  userService: ServiceProcess
  messagingService: ServiceProcess
}

export async function startRealServices(t: Test): Promise<RealServices> {
  const base = testStack()
  const db = await createTestDatabase(base, 'gwusers')
  t.teardown(() => db.drop())
  const table = await testTable(t, base, 'gw-messages')
  const facts: StackFacts = {
    ...base,
    dynamodb: { ...base.dynamodb, table },
    userService: { url: `http://127.0.0.1:${await freePort()}` },
    messagingService: { url: `http://127.0.0.1:${await freePort()}` },
  }
  // A cursor secret of the services' own, should their schema ask for one the stack env lacks.
  const own = { CURSOR_SECRET: randomBytes(32).toString('base64url') }
  const userEnv = { ...own, ...serviceEnv('user-service', facts, { logLevel: 'warn' }), DATABASE_URL: db.url }
  await migrateUserDatabase(userEnv)
  const userService = await startServiceProcess(t, {
    service: 'user-service',
    env: userEnv,
    url: facts.userService.url,
  })
  const messagingService = await startServiceProcess(t, {
    service: 'messaging-service',
    env: { ...own, ...serviceEnv('messaging-service', facts, { logLevel: 'warn' }) },
    url: facts.messagingService.url,
  })
  return { facts, userService, messagingService }
}

export interface TestUser {
  handle: string
  email: string
  displayName: string
  accessToken: string
}

/**
 * A confirmed Cognito user whose username is their e-mail address (works whether the pool
 * signs in by username or by e-mail), put in the directory by the post-confirmation event,
 * signed in with USER_PASSWORD_AUTH as the web client does against cognito-local.
 */
export async function signedUpUser(t: Test, services: RealServices, prefix: string): Promise<TestUser> {
  const { facts } = services
  const client = localCognitoClient(facts.cognito.endpoint, facts.region)
  t.teardown(() => client.destroy())
  const handle = `${prefix}${uniqueSuffix()}`
  const email = `${handle}@example.test`
  const displayName = `Gateway ${handle}`
  const password = `Gw-${randomBytes(8).toString('base64url')}-1a!`
  const person = { handle, email, name: displayName, password }
  const { sub } = await createCognitoPerson(client, facts, person)
  await registerPerson(services.userService.url, facts, { ...person, sub })
  const { accessToken } = await signInPerson(client, facts, email, password)
  return { handle, email, displayName, accessToken }
}
