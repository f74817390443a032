/**
 * The real system behind the page, per test file: user-service, messaging-service and the
 * gateway as processes (`node dist/server.js`) on free ports, against the test stack's engines
 * (CRUDDUR_STACK), each with its own database and table so files run side by side. The page is
 * what the gateway serves, as in production: its origin is the gateway's. `stop`/`start` of one
 * service lets a test cut the stream and bring it back.
 */
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import path from 'node:path'
import { freePort, repoRoot, serviceDir, serviceEnv } from '@cruddur/local-stack'
import {
  createTestDatabase,
  migrateUserDatabase,
  type ServiceProcess,
  type StackFacts,
  startServiceProcess,
  testStack,
  testTable,
} from '@cruddur/local-stack/testing'
import type { Test } from 'tap'

/** What these tests run as processes. */
type ServiceName = 'user-service' | 'messaging-service' | 'gateway'

/** The accounts the sign-in page lists (the gateway's WEB_DEMO_* settings). */
export interface DemoAccounts {
  password: string
  accounts: Array<{ handle: string; email: string }>
}

const require = createRequire(import.meta.url)
/** A service's folder (where its dist/server.js is), from the module it exports on purpose. */
const packageDir = (name: string) => path.resolve(path.dirname(require.resolve(`${name}/config`)), '..')

export interface SystemUnderTest {
  facts: StackFacts
  table: string
  userServiceUrl: string
  messagingServiceUrl: string
  /** The page's origin: the gateway, in front of both services. */
  gatewayUrl: string
  /** Starts the gateway, its sign-in page listing `demo` (none: no demo list, as in production). */
  startGateway(demo?: DemoAccounts): Promise<string>
  start(service: ServiceName): Promise<void>
  stop(service: ServiceName): Promise<void>
}

export async function startSystem(t: Test): Promise<SystemUnderTest> {
  const stack = testStack()
  const db = await createTestDatabase(stack, 'web')
  t.teardown(() => db.drop())
  const table = await testTable(t, stack, 'test-web')
  const ports = {
    'user-service': await freePort(),
    'messaging-service': await freePort(),
    gateway: await freePort(),
  }
  const facts: StackFacts = {
    ...stack,
    dynamodb: { ...stack.dynamodb, table },
    gateway: { url: `http://127.0.0.1:${ports.gateway}` },
    userService: { url: `http://127.0.0.1:${ports['user-service']}` },
    messagingService: { url: `http://127.0.0.1:${ports['messaging-service']}` },
  }
  let demo: DemoAccounts | undefined
  // The gateway's page lists this test's own people, never the stack's demo users.
  const demoEnv = () => {
    const {
      WEB_DEMO_ACCOUNTS: _accounts,
      WEB_DEMO_PASSWORD: _password,
      ...env
    } = serviceEnv('gateway', facts, {
      logLevel: 'warn',
    })
    if (!demo) return env
    return {
      ...env,
      WEB_DEMO_ACCOUNTS: demo.accounts.map((a) => `${a.handle}:${a.email}`).join(','),
      WEB_DEMO_PASSWORD: demo.password,
    }
  }
  const env = (service: ServiceName) => ({
    ...(service === 'gateway' ? demoEnv() : serviceEnv(service, facts, { logLevel: 'warn' })),
    ...(service === 'user-service' ? { DATABASE_URL: db.url } : {}),
    // Cursors get a secret of their own on the messaging-service (ignored where not yet read).
    CURSOR_SECRET: randomBytes(32).toString('base64url'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  })
  const dirs = {
    'user-service': packageDir('@cruddur/user-service'),
    'messaging-service': packageDir('@cruddur/messaging-service'),
    // Not a dependency of this package: the gateway depends on @cruddur/web (it serves it).
    gateway: serviceDir(repoRoot(), 'gateway'),
  }
  await migrateUserDatabase(env('user-service'), dirs['user-service'])

  const running: Partial<Record<ServiceName, ServiceProcess>> = {}
  const urlOf = (service: ServiceName) =>
    service === 'gateway'
      ? facts.gateway.url
      : service === 'user-service'
        ? facts.userService.url
        : facts.messagingService.url

  async function start(service: ServiceName) {
    running[service] = await startServiceProcess(t, {
      service,
      env: env(service),
      url: urlOf(service),
      dir: dirs[service],
    })
  }

  async function stop(service: ServiceName) {
    const proc = running[service]
    delete running[service]
    await proc?.stop()
  }

  t.teardown(async () => {
    await stop('gateway')
    await stop('messaging-service')
    await stop('user-service')
  })
  await start('user-service')
  await start('messaging-service')
  return {
    facts,
    table,
    userServiceUrl: facts.userService.url,
    messagingServiceUrl: facts.messagingService.url,
    gatewayUrl: facts.gateway.url,
    async startGateway(accounts?: DemoAccounts) {
      demo = accounts
      await start('gateway')
      return facts.gateway.url
    },
    start,
    stop,
  }
}
