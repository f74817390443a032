import { freePort } from '@cruddur/local-stack'
import { requireRedis } from '@cruddur/local-stack/testing'
import t from 'tap'
import { apiHarness, build, cognitoUser, type TestUser } from './helper.js'

const redisUrl = requireRedis().url
type App = Awaited<ReturnType<typeof apiHarness>>['app']

const sendAs = (app: App, who: TestUser, to: TestUser, message = 'hello') =>
  app.inject({
    method: 'POST',
    url: '/api/messages',
    headers: { authorization: `Bearer ${who.accessToken}` },
    payload: { message, handle: to.handle },
  })

async function people(t: Parameters<typeof apiHarness>[0], userServiceUrl: string) {
  const [alice, bob, carol] = await Promise.all(
    ['rlalice', 'rlbob', 'rlcarol'].map((prefix) => cognitoUser(t, { prefix, userServiceUrl })),
  )
  if (!alice || !bob || !carol) throw new Error('test users missing')
  return { alice, bob, carol }
}

// A window long enough that a slow machine cannot let it expire in the middle of a burst.
const LIMIT = { SEND_RATE_LIMIT_MAX: '30', SEND_RATE_LIMIT_WINDOW_MS: '60000' }

// One user-service, one table and one set of people for the whole file (each app counts on its
// own, or in Redis under its own test's keys): the file stays well inside its time on a busy machine.
const first = await apiHarness(t, LIMIT)
const { userService, table } = first
const { alice, bob, carol } = await people(t, userService.url)
/** Another app on the same user-service and table, with its own limit settings. */
const appWith = (t: Parameters<typeof build>[0], env: Record<string, string>) =>
  build(t, { ...env, USER_SERVICE_URL: userService.url, DDB_MESSAGE_TABLE: table })

t.test('a burst of 30 sends passes, the 31st is 429 rate_limited with Retry-After', async (t) => {
  const { app } = first
  const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => sendAs(app, alice, bob, `m${i}`)))
  t.same(
    burst.map((r) => r.statusCode),
    Array(30).fill(200),
    '30 at once: all stored',
  )
  const over = await sendAs(app, alice, bob)
  t.equal(over.statusCode, 429)
  t.same(over.json(), {
    statusCode: 429,
    error: 'Too Many Requests',
    message: over.json().message,
    errors: ['rate_limited'],
  })
  const retryAfter = Number(over.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 60, `Retry-After: ${retryAfter} s`)
  const toConversation = await app.inject({
    method: 'POST',
    url: '/api/messages',
    headers: { authorization: `Bearer ${alice.accessToken}` },
    payload: { message: 'into the conversation', message_group_uuid: burst[0]?.json().message_group_uuid },
  })
  t.equal(toConversation.statusCode, 429, 'sending into a conversation counts the same as starting one')
  const list = await app.inject({
    method: 'GET',
    url: `/api/messages/${burst[0]?.json().message_group_uuid}?limit=100`,
    headers: { authorization: `Bearer ${alice.accessToken}` },
  })
  t.equal(list.statusCode, 200, 'reading is not limited')
  t.equal(list.json().length, 30, 'and nothing over the limit was stored')
  const other = await sendAs(app, carol, bob)
  t.equal(other.statusCode, 200, 'another caller is unaffected')
  const typing = await app.inject({
    method: 'POST',
    url: `/api/message_groups/${burst[0]?.json().message_group_uuid}/typing`,
    headers: { authorization: `Bearer ${alice.accessToken}` },
  })
  t.equal(typing.statusCode, 204, 'other routes of a limited caller are not limited')
})

t.test('the window passes: sends are accepted again', async (t) => {
  // Long enough that four sends fit in it on a loaded machine, short enough to wait out.
  const app = await appWith(t, { SEND_RATE_LIMIT_MAX: '3', SEND_RATE_LIMIT_WINDOW_MS: '4000' })
  for (let i = 0; i < 3; i++) t.equal((await sendAs(app, alice, bob)).statusCode, 200)
  t.equal((await sendAs(app, alice, bob)).statusCode, 429)
  await new Promise((r) => setTimeout(r, 4_100))
  t.equal((await sendAs(app, alice, bob)).statusCode, 200, 'a new window')
})

t.test('with Redis, two instances share one count per caller', async (t) => {
  const env = { SEND_RATE_LIMIT_MAX: '6', SEND_RATE_LIMIT_WINDOW_MS: '60000', REDIS_URL: redisUrl }
  const [a, b] = await Promise.all([appWith(t, env), appWith(t, env)])
  // Connections to Redis come up in the background: until then the limit lets sends through.
  const ready = async (app: App) => {
    const deadline = Date.now() + 5_000
    while ((await app.inject({ method: 'GET', url: '/ready' })).statusCode !== 200) {
      if (Date.now() > deadline) throw new Error('the app did not get ready')
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  await Promise.all([ready(a), ready(b)])
  const codes: number[] = []
  for (let i = 0; i < 3; i++) codes.push((await sendAs(a, alice, bob)).statusCode)
  for (let i = 0; i < 3; i++) codes.push((await sendAs(b, alice, bob)).statusCode)
  t.same(codes, Array(6).fill(200), 'three on each instance: six, the limit')
  t.equal((await sendAs(a, alice, bob)).statusCode, 429, 'the seventh, on A')
  const onB = await sendAs(b, alice, bob)
  t.equal(onB.statusCode, 429, 'and on B')
  t.same(onB.json().errors, ['rate_limited'])
  t.ok(Number(onB.headers['retry-after']) > 0, 'with Retry-After')
  t.equal((await sendAs(b, carol, bob)).statusCode, 200, 'another caller is unaffected')
})

t.test('with a Redis that does not answer, sends are not limited (and not slowed)', async (t) => {
  const app = await appWith(t, {
    SEND_RATE_LIMIT_MAX: '2',
    SEND_RATE_LIMIT_WINDOW_MS: '60000',
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
  })
  const started = Date.now()
  const codes: number[] = []
  for (let i = 0; i < 4; i++) codes.push((await sendAs(app, alice, bob)).statusCode)
  t.same(codes, [200, 200, 200, 200], 'twice the limit, all stored')
  t.ok(Date.now() - started < 10_000, `in ${Date.now() - started} ms`)
  const ready = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 503, '/ready says Redis is down')
  t.match(ready.json(), { errors: ['dependency_unavailable'], message: /redis/ })
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, '/health stays up')
})
