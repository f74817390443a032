import { testHealthAndReadiness } from '@cruddur/local-stack/testing'
import t from 'tap'
import { build } from './helper.js'

testHealthAndReadiness(t, {
  build,
  engine: 'dynamodb',
  // A port nothing listens on: connection refused, like a stopped DynamoDB Local.
  unreachable: { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' },
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
