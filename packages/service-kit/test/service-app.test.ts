import Fastify from 'fastify'
import fp from 'fastify-plugin'
import t from 'tap'
import { Type } from 'typebox'
import {
  answer,
  ConfigError,
  commonConfigProperties,
  configPlugin,
  conflict,
  errorAnswers,
  HttpError,
  notFound,
  readToolConfig,
  serviceApp,
} from '../src/index.js'

const Schema = Type.Object({
  ...commonConfigProperties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4999 }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
})
const env = {
  COGNITO_USER_POOL_ID: 'us-east-1_test',
  COGNITO_CLIENT_ID: 'client',
  INTERNAL_TOKEN: 'a-long-enough-internal-token',
  COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
  DATABASE_URL: 'postgres://127.0.0.1/x',
  FRONTEND_URL: 'http://web.example',
}

t.test('serviceApp: config, the common base, then the plugins in order, with their options', async (t) => {
  const order: string[] = []
  const first = fp(async () => void order.push('first'), { name: 'first' })
  const routes = async (f: import('fastify').FastifyInstance, opts: { greeting?: string }) => {
    order.push('routes')
    f.get('/hello', async () => ({
      greeting: opts.greeting,
      port: (f as unknown as { config: { PORT: number } }).config.PORT,
    }))
  }
  const app = Fastify({ logger: false })
  t.teardown(() => app.close())
  await app.register(
    serviceApp({
      config: configPlugin(Schema),
      openapi: { title: 'test service', description: 'a test', version: '1' },
      plugins: [first, [routes, { prefix: '/api', greeting: 'hi' }]],
    }),
    { env },
  )
  t.same(order, ['first', 'routes'])
  t.same((await app.inject('/api/hello')).json(), { greeting: 'hi', port: 4999 })
  t.equal((await app.inject('/health')).statusCode, 200, 'the common base is there')
  t.equal((await app.inject('/docs/json')).json().info.title, 'test service')
  const cors = await app.inject({
    method: 'OPTIONS',
    url: '/api/hello',
    headers: { origin: 'http://web.example', 'access-control-request-method': 'GET' },
  })
  t.equal(cors.headers['access-control-allow-origin'], 'http://web.example', 'CORS from FRONTEND_URL')
})

t.test('serviceApp: a bad environment stops the app, naming the variable', async (t) => {
  const app = Fastify({ logger: false })
  t.teardown(() => app.close())
  const built = async () => {
    await app.register(
      serviceApp({
        config: configPlugin(Schema),
        openapi: { title: 'x', description: 'y', version: '1' },
        plugins: [],
      }),
      { env: { ...env, DATABASE_URL: 'mysql://x' } },
    )
    await app.ready()
  }
  await t.rejects(built, /DATABASE_URL/)
})

t.test('errorAnswers: the first row of the error type answers; other errors pass unchanged', async (t) => {
  class Missing extends Error {
    constructor(readonly what: string) {
      super(`no ${what}`)
    }
  }
  class MissingThing extends Missing {}
  class Clash extends Error {}
  const httpAnswer = errorAnswers([
    answer(Missing, (e) => notFound('user_not_found', `No ${e.what}`)),
    answer(Clash, () => conflict('idempotency_key_reused', 'clash')),
  ])
  t.match(httpAnswer(new MissingThing('thing')), {
    statusCode: 404,
    codes: ['user_not_found'],
    message: 'No thing',
  })
  t.match(httpAnswer(new Clash()), { statusCode: 409, codes: ['idempotency_key_reused'] })
  const http = new HttpError(422, ['message_blank'], 'blank')
  t.equal(httpAnswer(http), http, 'an HttpError is the answer already')
  const bug = new TypeError('a bug')
  t.equal(httpAnswer(bug), bug, 'a bug stays a bug (a bare 500)')
  t.equal(httpAnswer('thrown string'), 'thrown string')
})

t.test('readToolConfig: the schema with its defaults, or one line naming every fault', async (t) => {
  const schema = Type.Pick(Schema, ['DATABASE_URL', 'AWS_REGION', 'COGNITO_USER_POOL_ID'])
  const hints = { DATABASE_URL: 'postgres://user:password@host:port/database' }
  t.same(
    readToolConfig(schema, { DATABASE_URL: 'postgres://h/d', COGNITO_USER_POOL_ID: 'eu-west-1_x' }, hints),
    {
      DATABASE_URL: 'postgres://h/d',
      COGNITO_USER_POOL_ID: 'eu-west-1_x',
      AWS_REGION: 'us-east-1',
    },
  )
  const fault = (data: Record<string, string | undefined>) => {
    try {
      readToolConfig(schema, data, hints)
    } catch (error) {
      return error as ConfigError
    }
    throw new Error('no fault')
  }
  const missing = fault({})
  t.type(missing, ConfigError)
  t.same(missing.variables, ['COGNITO_USER_POOL_ID', 'DATABASE_URL'], 'in the order of the schema')
  t.equal(
    missing.message,
    'COGNITO_USER_POOL_ID is not set; DATABASE_URL is not set (postgres://user:password@host:port/database)',
  )
  const wrong = fault({ DATABASE_URL: 'mysql://h/d', COGNITO_USER_POOL_ID: 'eu-west-1_x', AWS_REGION: '' })
  t.same(wrong.variables, ['AWS_REGION', 'DATABASE_URL'])
  t.match(
    wrong.message,
    /^AWS_REGION is not set; DATABASE_URL must match pattern "\^postgres\(ql\)\?:\/\/" \(postgres:\/\/user[^;]*\)$/,
  )
  t.notMatch(wrong.message, /\n/)
})
