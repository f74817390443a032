import { testHealthAndReadiness } from '@cruddur/local-stack/testing'
import t from 'tap'
import { build } from './helper.js'

testHealthAndReadiness(t, {
  build,
  engine: 'postgres',
  // A port nothing listens on: connection refused, like a stopped database.
  unreachable: { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:9/nothing' },
})

t.test('unknown routes answer the error shape', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/nope' })
  t.equal(res.statusCode, 404)
  t.same(res.json().errors, ['not_found'])
})

t.test('the OpenAPI description lists the routes', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const paths = Object.keys(res.json().paths)
  t.ok(paths.includes('/health') && paths.includes('/ready'), `paths: ${paths.join(', ')}`)
})

t.test('a missing or bad config value stops the app with a message naming it', async (t) => {
  const { default: Fastify } = await import('fastify')
  const { default: app } = await import('../src/app.js')
  for (const [name, value] of [
    ['DATABASE_URL', 'mysql://nope'],
    ['INTERNAL_TOKEN', 'short'],
    ['PORT', 'eighty'],
  ] as const) {
    const fastify = Fastify({ logger: false })
    const env = {
      ...process.env,
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
      INTERNAL_TOKEN: 'x'.repeat(32),
      COGNITO_USER_POOL_ID: 'us-east-1_abc',
      COGNITO_CLIENT_ID: 'c',
      PORT: '1',
      [name]: value,
    }
    await t.rejects(
      async () => {
        await fastify.register(app, { env }).ready()
      },
      new RegExp(name),
      `${name}=${value} is refused`,
    )
    await fastify.close().catch(() => {})
  }
})
