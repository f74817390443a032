import net from 'node:net'
import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import postgres from 'postgres'
import t from 'tap'
import { localDynamoClient } from '../src/dynamodb.js'
import { findJava, JavaMissingError } from '../src/java.js'
import { assertPortFree, freePort, isPortFree, PortInUseError } from '../src/ports.js'
import { serviceEnv } from '../src/service-env.js'
import { createTestDatabase, testStack } from '../src/testing.js'
import { waitUntil } from '../src/wait.js'

/** The test stack's facts with the three services at their default local ports. */
const withServicesAtDefaults = () => ({
  ...testStack(),
  gateway: { url: 'http://127.0.0.1:4000' },
  userService: { url: 'http://127.0.0.1:4001' },
  messagingService: { url: 'http://127.0.0.1:4002' },
})

t.test('a port in use is a clear error naming the variable to change', async (t) => {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const port = (server.address() as net.AddressInfo).port
  t.equal(await isPortFree(port), false)
  await t.rejects(assertPortFree('PostgreSQL', port, 'POSTGRES_PORT'), PortInUseError)
  await t.rejects(assertPortFree('PostgreSQL', port, 'POSTGRES_PORT'), { message: /POSTGRES_PORT=<port>/ })
  t.equal(await isPortFree(await freePort()), true)
})

t.test('waitUntil gives up with the engine name and the last error', async (t) => {
  await t.rejects(
    waitUntil('Imaginary engine', async () => Promise.reject(new Error('ECONNREFUSED')), {
      timeoutMs: 300,
      intervalMs: 50,
    }),
    { message: /Imaginary engine did not answer .*ECONNREFUSED/ },
  )
  let calls = 0
  await waitUntil(
    'Flaky',
    async () => {
      if (++calls < 3) throw new Error('not yet')
    },
    { intervalMs: 10 },
  )
  t.equal(calls, 3)
})

t.test('a missing java says what to install', async (t) => {
  t.throws(() => findJava({ PATH: '/nonexistent', JAVA_HOME: '/nonexistent' }), JavaMissingError)
  t.throws(() => findJava({ PATH: '/nonexistent' }), { message: /default-jre-headless.*|DYNAMODB_ENDPOINT/s })
  t.type(findJava(), 'string', 'this machine has one')
})

t.test('the test stack hands out engines that really answer', async (t) => {
  const facts = testStack()
  const db = await createTestDatabase(facts, 'selftest')
  t.teardown(() => db.drop())
  const sql = postgres(db.url, { max: 1 })
  t.teardown(() => sql.end())
  const [row] = await sql`select current_database() as name`
  t.equal(row?.name, db.name, 'each test file gets its own database')
  const ddb = localDynamoClient(facts.dynamodb.endpoint, facts.region)
  t.teardown(() => ddb.destroy())
  t.ok(Array.isArray((await ddb.send(new ListTablesCommand({}))).TableNames))
  const jwks = (await (await fetch(facts.cognito.jwksUrl)).json()) as { keys: Array<{ alg: string }> }
  t.equal(jwks.keys[0]?.alg, 'RS256', 'cognito-local serves the JWKS for the pool')
  t.match(facts.cognito.userPoolId, /^us-east-1_\w+$/, 'pool id in AWS format')
})

t.test(
  'FRONTEND_URL given to the stack is what the services allow; the default only when none is given',
  async (t) => {
    const facts = {
      ...testStack(),
      userService: { url: 'http://127.0.0.1:4001' },
      messagingService: { url: 'http://127.0.0.1:4002' },
    }
    const given = { FRONTEND_URL: 'http://localhost:23000,https://cruddur.example' }
    for (const service of ['user-service', 'messaging-service'] as const) {
      const env = { ...given, ...serviceEnv(service, facts, { from: given }) }
      t.equal(env.FRONTEND_URL, given.FRONTEND_URL, `${service} gets the origins it was given`)
      t.equal(serviceEnv(service, facts, { from: {} }).FRONTEND_URL, 'http://localhost:3000', 'default')
      t.equal(
        serviceEnv(service, facts, { from: { FRONTEND_URL: '  ' } }).FRONTEND_URL,
        'http://localhost:3000',
      )
    }
    t.throws(
      () => serviceEnv('user-service', { ...facts, userService: { url: '' } }),
      /no user-service URL: give serviceEnv a port/,
    )
    t.equal(serviceEnv('user-service', { ...facts, userService: { url: '' } }, { port: 0 }).PORT, '0')
  },
)

t.test("a harness's own settings go on top of the stack's (the benchmark's send limit)", async (t) => {
  const facts = withServicesAtDefaults()
  for (const service of ['gateway', 'user-service', 'messaging-service'] as const) {
    const env = serviceEnv(service, facts, { env: { SEND_RATE_LIMIT_MAX: '1000000', LOG_LEVEL: 'error' } })
    t.equal(env.SEND_RATE_LIMIT_MAX, '1000000', `${service}: added`)
    t.equal(env.LOG_LEVEL, 'error', `${service}: and it wins over the stack's value`)
    t.notOk('SEND_RATE_LIMIT_MAX' in serviceEnv(service, facts), `${service}: nothing added unless asked`)
  }
})

t.test('STACK_BIND: loopback unless asked, an IP address or a clear error', async (t) => {
  const { connectHost, isLoopback, stackBind } = await import('../src/bind.js')
  t.equal(stackBind({}), '127.0.0.1')
  t.equal(stackBind({ STACK_BIND: '0.0.0.0' }), '0.0.0.0')
  t.throws(() => stackBind({ STACK_BIND: 'everywhere' }), /STACK_BIND must be an IP address/)
  t.equal(connectHost('0.0.0.0'), '127.0.0.1', 'clients of a wildcard listener use loopback')
  t.equal(connectHost('::1'), '[::1]')
  t.ok(isLoopback('127.0.0.1'))
  t.notOk(isLoopback('0.0.0.0'))
})

t.test('service env carries exactly the contract variables', async (t) => {
  const facts = {
    ...testStack(),
    userService: { url: 'http://127.0.0.1:4001' },
    messagingService: { url: 'http://127.0.0.1:4002' },
  }
  const user = serviceEnv('user-service', facts)
  t.equal(user.PORT, '4001')
  t.match(user.DATABASE_URL, /\/cruddur$/)
  const messaging = serviceEnv('messaging-service', facts)
  t.equal(messaging.PORT, '4002')
  t.equal(messaging.USER_SERVICE_URL, 'http://127.0.0.1:4001')
  t.equal(messaging.COGNITO_JWKS_URL, facts.cognito.jwksUrl)
  t.notOk('DATABASE_URL' in messaging, 'messaging-service never sees the user database')
})

t.test('the gateway gets its web page settings: the local pool and the demo accounts', async (t) => {
  const facts = withServicesAtDefaults()
  const gateway = serviceEnv('gateway', facts)
  t.equal(gateway.COGNITO_USER_POOL_ID, facts.cognito.userPoolId)
  t.equal(gateway.COGNITO_CLIENT_ID, facts.cognito.clientId)
  t.equal(gateway.COGNITO_ENDPOINT, facts.cognito.endpoint, 'the page signs in against cognito-local')
  t.equal(gateway.AWS_REGION, facts.region)
  t.equal(gateway.WEB_DEMO_PASSWORD, facts.demoPassword)
  t.equal(
    gateway.WEB_DEMO_ACCOUNTS,
    facts.demoUsers.map((handle) => `${handle}:${facts.demoEmails[handle]}`).join(','),
    'every demo user, with the e-mail they sign in with',
  )
  t.notOk('INTERNAL_TOKEN' in gateway, 'the public edge holds no secret')
  const none = serviceEnv('gateway', { ...facts, demoUsers: [] })
  t.notOk('WEB_DEMO_ACCOUNTS' in none || 'WEB_DEMO_PASSWORD' in none, 'no demo users: none listed')
})

t.test('the test runner adds up every package tap summary, even split across chunks', async (t) => {
  const { tapTally } = await import('../src/tap-tally.js')
  const tally = tapTally()
  tally.feed(Buffer.from('pkg-a:test: # { total: 16, pass: 16 }\npkg-b:test: # { total: 12, pa'))
  tally.feed(Buffer.from('ss: 9, fail: 2, skip: 1 }\nnoise # { nothing }\n'))
  t.same(tally.totals, { pass: 25, fail: 2, skip: 1, runs: 2 })
})

t.test(
  'the test runner names each failed assertion with its diagnostics, for the end of the log',
  async (t) => {
    const { tapTally } = await import('../src/tap-tally.js')
    const tally = tapTally()
    const lines = [
      '@cruddur/system-tests:test:     # Subtest: a burst',
      '@cruddur/system-tests:test:         ok 1 - fine',
      '@cruddur/system-tests:test:         not ok 2 - every message arrived',
      '@cruddur/system-tests:test:           ---',
      '@cruddur/system-tests:test:           found: 99',
      '@cruddur/system-tests:test:           wanted: 100',
      '@cruddur/system-tests:test:           at:',
      '@cruddur/system-tests:test:             fileName: test/realtime.test.ts',
      '@cruddur/system-tests:test:           ...',
      '@cruddur/system-tests:test:         ok 3 - later',
      '@cruddur/system-tests:test:     not ok 1 - a burst # time=12ms',
      '@cruddur/web:test: not ok 4 - a known gap # TODO later',
      'not ok 5 - plain tap, no prefix',
      '# { total: 3, pass: 1, fail: 2 }',
    ]
    tally.feed(Buffer.from(`${lines.slice(0, 5).join('\n')}\n`))
    tally.feed(Buffer.from(`${lines.slice(5).join('\n')}\n`))
    t.same(tally.failures, [
      [
        '@cruddur/system-tests: not ok - every message arrived',
        '    found: 99',
        '    wanted: 100',
        '    at:',
        '    fileName: test/realtime.test.ts',
      ].join('\n'),
      '@cruddur/system-tests: not ok - a burst # time=12ms',
      'not ok - plain tap, no prefix',
    ])
    t.same(tally.totals, { pass: 1, fail: 2, skip: 0, runs: 1 })
  },
)
