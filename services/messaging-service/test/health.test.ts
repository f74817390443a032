import t from 'tap'
import { build } from './helper.js'

t.test('GET /health answers 200', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/health' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('GET /ready asks DynamoDB for real', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ready', checks: { dynamodb: 'ok' } })
})

t.test('GET /ready answers 503 quickly when DynamoDB does not answer', async (t) => {
  const app = await build(t, { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' })
  const started = Date.now()
  const res = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { errors: ['dependency_unavailable'], message: /dynamodb/ })
  t.ok(Date.now() - started < 5_000, 'answers within the readiness timeout')
})

t.test('CORS answers the web client as the contract says', async (t) => {
  const app = await build(t, { FRONTEND_URL: 'http://localhost:3000,https://cruddur.example' })
  const res = await app.inject({
    method: 'OPTIONS',
    url: '/health',
    headers: {
      origin: 'https://cruddur.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'Authorization,Content-Type,Idempotency-Key',
    },
  })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], 'https://cruddur.example')
  t.match(String(res.headers['access-control-allow-headers']), /Idempotency-Key/)
  const other = await app.inject({
    method: 'GET',
    url: '/health',
    headers: { origin: 'https://evil.example' },
  })
  t.notOk(other.headers['access-control-allow-origin'], 'other origins get no CORS grant')
  const exposed = await app.inject({
    method: 'GET',
    url: '/health',
    headers: { origin: 'http://localhost:3000' },
  })
  t.match(String(exposed.headers['access-control-expose-headers']), /x-next-cursor/)
})
