import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { Type } from 'typebox'
import { errorHandlerPlugin, HttpError, healthPlugin, serverOptions, unprocessable } from '../src/index.js'

async function build(t: Test) {
  const app = Fastify({ ...serverOptions('test'), logger: false })
  await app.register(errorHandlerPlugin)
  await app.register(healthPlugin)
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object({ name: Type.String(), count: Type.Integer() }, { additionalProperties: false }),
      },
    },
    async () => ({ ok: true }),
  )
  app.get(
    '/things',
    { schema: { querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100 }) }) } },
    async () => [],
  )
  app.get('/boom', async () => {
    throw new Error('relation "users" does not exist at /srv/app.js:12 SELECT * FROM users')
  })
  app.get('/teapot', async () => {
    throw unprocessable('message_blank', 'The message is blank')
  })
  app.get('/down', async () => {
    throw new HttpError(503, ['dependency_unavailable'], 'user-service is unavailable', {
      cause: new Error('ECONNREFUSED'),
    })
  })
  t.teardown(() => app.close())
  return app
}

t.test('purposeful errors keep their status and codes', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/teapot' })
  t.equal(res.statusCode, 422)
  t.same(res.json(), {
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: 'The message is blank',
    errors: ['message_blank'],
  })
  const down = await app.inject({ method: 'GET', url: '/down' })
  t.equal(down.statusCode, 503)
  t.notMatch(down.body, /ECONNREFUSED/, 'the cause stays in the log')
})

t.test('schema failures are 400 with a code naming the field', async (t) => {
  const app = await build(t)
  const wrongType = await app.inject({
    method: 'POST',
    url: '/things',
    payload: { name: 'x', count: 'many' },
  })
  t.equal(wrongType.statusCode, 400)
  t.same(wrongType.json().errors, ['invalid_count'])
  const missing = await app.inject({ method: 'POST', url: '/things', payload: { count: 1 } })
  t.same(missing.json().errors, ['invalid_name'])
  const extra = await app.inject({
    method: 'POST',
    url: '/things',
    payload: { name: 'x', count: 1, admin: true },
  })
  t.same(extra.json().errors, ['invalid_admin'])
  const limit = await app.inject({ method: 'GET', url: '/things?limit=1000' })
  t.same(limit.json().errors, ['invalid_limit'])
})

t.test('malformed JSON is a 400, an oversized body a 413, never a 500', async (t) => {
  const app = await build(t)
  const bad = await app.inject({
    method: 'POST',
    url: '/things',
    headers: { 'content-type': 'application/json' },
    payload: '{"name": ',
  })
  t.equal(bad.statusCode, 400)
  t.same(bad.json().errors, ['invalid_json'])
  const big = await app.inject({
    method: 'POST',
    url: '/things',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'x'.repeat(100_000), count: 1 }),
  })
  t.equal(big.statusCode, 413)
  t.same(big.json().errors, ['payload_too_large'])
  const text = await app.inject({
    method: 'POST',
    url: '/things',
    headers: { 'content-type': 'text/xml' },
    payload: '<x/>',
  })
  t.equal(text.statusCode, 415)
})

t.test('a 500 body carries no internals', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/boom' })
  t.equal(res.statusCode, 500)
  t.same(res.json(), {
    statusCode: 500,
    error: 'Internal Server Error',
    message: 'Internal Server Error',
    errors: ['internal_error'],
  })
})

t.test('readiness runs every check and names the ones down', async (t) => {
  const app = Fastify({ logger: false })
  await app.register(errorHandlerPlugin)
  await app.register(healthPlugin)
  app.readinessChecks.push({ name: 'fine', check: async () => {} })
  app.readinessChecks.push({ name: 'hung', check: () => new Promise(() => {}) })
  t.teardown(() => app.close())
  const started = Date.now()
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 503)
  t.match(res.json().message, /hung/)
  t.notMatch(res.json().message, /fine/)
  t.ok(Date.now() - started < 3_000, 'a hung check times out instead of hanging /ready')
})
