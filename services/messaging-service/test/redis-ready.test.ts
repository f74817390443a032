import { requireRedis } from '@cruddur/local-stack/testing'
import t from 'tap'
import { build, ownRedis } from './helper.js'

const redisUrl = requireRedis().url

type App = Awaited<ReturnType<typeof build>>
const readyState = async (app: App) => {
  const res = await app.inject({ method: 'GET', url: '/ready' })
  return { status: res.statusCode, body: res.json() }
}
async function untilReady(app: App, status: number, ms = 5_000) {
  const deadline = Date.now() + ms
  for (;;) {
    const state = await readyState(app)
    if (state.status === status || Date.now() > deadline) return state
    await new Promise((r) => setTimeout(r, 50))
  }
}

t.test('without REDIS_URL, /ready has no Redis check (one instance, in-process events)', async (t) => {
  const app = await build(t)
  const { status, body } = await readyState(app)
  t.equal(status, 200)
  t.same(Object.keys(body.checks), ['dynamodb'])
})

t.test('with REDIS_URL, /ready reports Redis', async (t) => {
  const app = await build(t, { REDIS_URL: redisUrl })
  const { status, body } = await untilReady(app, 200)
  t.equal(status, 200)
  t.same(body.checks, { dynamodb: 'ok', redis: 'ok' })
})

t.test('Redis stopping and coming back: /ready follows, /health stays up', async (t) => {
  const redis = await ownRedis(t)
  const app = await build(t, { REDIS_URL: redis.url })
  t.equal((await untilReady(app, 200)).status, 200, 'ready while Redis answers')
  await redis.stop()
  const down = await untilReady(app, 503)
  t.equal(down.status, 503, 'not ready once Redis is gone')
  t.match(down.body, { errors: ['dependency_unavailable'], message: /redis/ })
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, '/health stays up')
  await redis.restart()
  t.equal((await untilReady(app, 200)).status, 200, 'ready again once Redis is back')
})

t.test('REDIS_URL must be a redis:// or rediss:// URL', async (t) => {
  await t.rejects(build(t, { REDIS_URL: 'http://127.0.0.1:6379' }), /REDIS_URL/)
  await t.rejects(build(t, { SEND_RATE_LIMIT_MAX: '0' }), /SEND_RATE_LIMIT_MAX/)
  await t.rejects(build(t, { SEND_RATE_LIMIT_WINDOW_MS: 'soon' }), /SEND_RATE_LIMIT_WINDOW_MS/)
})
