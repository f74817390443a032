/**
 * The real services behind the gateway in its tests: user-service and messaging-service as
 * processes (`node dist/server.js`) with the local stack's service environment, on free ports,
 * each with a database / table of this test file's own; and Cognito users signed up the way
 * production does it, signing in with their e-mail address.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { promisify } from 'node:util'
import { dropTable, ensureTable } from '@cruddur/dynamodb'
import {
  freePort,
  localCognitoClient,
  localDynamoClient,
  repoRoot,
  type ServiceName,
  type StackFacts,
  serviceEnv,
} from '@cruddur/local-stack'
import {
  createCognitoPerson,
  createTestDatabase,
  registerPerson,
  signInPerson,
  testStack,
  uniqueSuffix,
} from '@cruddur/local-stack/testing'
import type { Test } from 'tap'

export interface ServiceProcess {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

async function startService(
  t: Test,
  service: ServiceName,
  env: Record<string, string>,
  url: string,
): Promise<ServiceProcess> {
  const cwd = path.join(repoRoot(), 'services', service)
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const stderr: string[] = []
  child.stderr?.on('data', (c: Buffer) => stderr.push(c.toString('utf8')))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
  }
  t.teardown(stop)
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1_000) })
      if (res.status === 200) break
    } catch {}
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`${service} did not become ready: ${stderr.join('').slice(-2_000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { url, child, stop }
}

export interface RealServices {
  facts: StackFacts
  userService: ServiceProcess
  messagingService: ServiceProcess
}

export async function startRealServices(t: Test): Promise<RealServices> {
  const base = testStack()
  const db = await createTestDatabase(base, 'gwusers')
  t.teardown(() => db.drop())
  const table = `gw-messages-${uniqueSuffix()}`
  const admin = localDynamoClient(base.dynamodb.endpoint, base.region)
  await ensureTable(admin, table)
  t.teardown(async () => {
    await dropTable(admin, table)
    admin.destroy()
  })
  const facts: StackFacts = {
    ...base,
    dynamodb: { ...base.dynamodb, table },
    userService: { url: `http://127.0.0.1:${await freePort()}` },
    messagingService: { url: `http://127.0.0.1:${await freePort()}` },
  }
  // A cursor secret of the services' own, should their schema ask for one the stack env lacks.
  const own = { CURSOR_SECRET: randomBytes(32).toString('base64url') }
  const userEnv = { ...own, ...serviceEnv('user-service', facts, { logLevel: 'warn' }), DATABASE_URL: db.url }
  await promisify(execFile)(process.execPath, ['dist/cli/index.js', 'db:migrate'], {
    cwd: path.join(repoRoot(), 'services', 'user-service'),
    env: { ...process.env, ...userEnv },
  })
  const userService = await startService(t, 'user-service', userEnv, facts.userService.url)
  const messagingEnv = { ...own, ...serviceEnv('messaging-service', facts, { logLevel: 'warn' }) }
  const messagingService = await startService(
    t,
    'messaging-service',
    messagingEnv,
    facts.messagingService.url,
  )
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
