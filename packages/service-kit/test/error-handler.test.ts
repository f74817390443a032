import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { Type } from 'typebox'
import {
  errorHandlerPlugin,
  HttpError,
  healthPlugin,
  reasonPhrase,
  serverOptions,
  unprocessable,
} from '../src/index.js'

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

/** The whole error body of an answer: its status, the status's reason, the message and the codes. */
async function answersError(
  t: Test,
  app: Awaited<ReturnType<typeof build>>,
  url: string,
  status: number,
  message: string,
  codes: string[],
) {
  const res = await app.inject({ method: 'GET', url })
  t.equal(res.statusCode, status, url)
  t.same(res.json(), { statusCode: status, error: reasonPhrase(status), message, errors: codes }, url)
  return res
}

t.test('purposeful errors keep their status and codes', async (t) => {
  const app = await build(t)
  t.equal(reasonPhrase(422), 'Unprocessable Entity')
  await answersError(t, app, '/teapot', 422, 'The message is blank', ['message_blank'])
  const down = await answersError(t, app, '/down', 503, 'user-service is unavailable', [
    'dependency_unavailable',
  ])
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
  for (const [contentType, payload, status, codes] of [
    ['application/json', '{"name": ', 400, ['invalid_json']],
    ['application/json', JSON.stringify({ name: 'x'.repeat(100_000), count: 1 }), 413, ['payload_too_large']],
    ['text/xml', '<x/>', 415, undefined],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': contentType },
      payload,
    })
    t.equal(res.statusCode, status, `${contentType}, ${payload.length} chars`)
    if (codes) t.same(res.json().errors, codes)
  }
})

t.test('a 500 body carries no internals', async (t) => {
  const app = await build(t)
  t.equal(reasonPhrase(500), 'Internal Server Error')
  await answersError(t, app, '/boom', 500, 'Internal Server Error', ['internal_error'])
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
