import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import net from 'node:net'
import Fastify from 'fastify'
import t from 'tap'
import {
  badRequest,
  conflict,
  corsPlugin,
  dependencyUnavailable,
  forbidden,
  notFound,
  openApiPlugin,
  reasonPhrase,
  serverOptions,
  unauthorized,
} from '../src/index.js'

t.test('OpenAPI description and CORS', async (t) => {
  const app = Fastify({ logger: false })
  await app.register(openApiPlugin, { title: 'x', description: 'y', version: '1' })
  await app.register(corsPlugin, { frontendUrl: 'http://a.example/, http://b.example' })
  app.get('/thing', { schema: { summary: 'a thing' } }, async () => ({}))
  t.teardown(() => app.close())
  const doc = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(doc.json().openapi, '3.0.3')
  t.ok(doc.json().paths['/thing'])
  const pre = await app.inject({
    method: 'OPTIONS',
    url: '/thing',
    headers: { origin: 'http://a.example', 'access-control-request-method': 'GET' },
  })
  t.equal(
    pre.headers['access-control-allow-origin'],
    'http://a.example',
    'trailing slash and spaces in FRONTEND_URL are tolerated',
  )
})

t.test('error helpers carry the contract codes', async (t) => {
  t.same(unauthorized().codes, ['unauthorized'])
  t.equal(forbidden('user_not_registered', 'x').statusCode, 403)
  t.equal(notFound('user_not_found', 'x').statusCode, 404)
  t.equal(conflict('idempotency_key_reused', 'x').statusCode, 409)
  t.equal(badRequest('invalid_cursor', 'x').statusCode, 400)
  t.same(dependencyUnavailable('user-service').codes, ['dependency_unavailable'])
  t.equal(reasonPhrase(599), 'Server Error')
  t.equal(reasonPhrase(418), 'Error')
})

t.test('SIGTERM lets in-flight requests finish, refuses new ones, exits 0', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port
      s.close(() => resolve(p))
    })
  })
  const require = createRequire(import.meta.url)
  const tsx = require.resolve('tsx')
  const child = spawn(
    process.execPath,
    ['--import', tsx, new URL('./fixtures/slow-server.ts', import.meta.url).pathname],
    {
      // Kept out of tap's coverage: a second transpiler's map of the same files skews the merge.
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        NODE_V8_COVERAGE: '',
        PORT: String(port),
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    },
  )
  const exited = once(child, 'exit')
  // Up to 60 s: a busy CI machine took more than 10 s to start tsx and the fixture on Node 22.
  let up = false
  for (const deadline = Date.now() + 60_000; !up && Date.now() < deadline; ) {
    try {
      await fetch(`http://127.0.0.1:${port}/nothing`)
      up = true
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  t.ok(up, 'the fixture server came up')
  const inflight = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.json())
  await new Promise((r) => setTimeout(r, 100))
  child.kill('SIGTERM')
  t.same(await inflight, { done: true }, 'the in-flight request completed')
  const [code] = await exited
  t.equal(code, 0, 'exit code 0')
  await t.rejects(fetch(`http://127.0.0.1:${port}/slow`), 'nothing listens afterwards')
})

t.test('one access line per request, with the request id, and no Authorization header in it', async (t) => {
  const lines: Record<string, unknown>[] = []
  const stream = { write: (line: string) => lines.push(JSON.parse(line)) }
  const base = serverOptions('log-test')
  const app = Fastify({ ...base, logger: { ...(base.logger as object), level: 'info', stream } })
  app.get('/thing', async () => ({ ok: true }))
  t.teardown(() => app.close())
  await app.inject({
    method: 'GET',
    url: '/thing',
    headers: { 'x-request-id': 'req-123', authorization: 'Bearer secret' },
  })
  const mine = lines.filter((l) => l.reqId === 'req-123')
  t.equal(mine.length, 1, 'exactly one line')
  t.match(mine[0], {
    msg: 'request completed',
    req: { method: 'GET', url: '/thing' },
    res: { statusCode: 200 },
  })
  t.notMatch(JSON.stringify(lines), /secret/)
})

t.test('an OPTIONS that is not a preflight is answered 204, not a text/plain 400', async (t) => {
  const app = Fastify({ logger: false })
  const { errorHandlerPlugin } = await import('../src/index.js')
  await app.register(errorHandlerPlugin)
  await app.register(corsPlugin, { frontendUrl: 'http://a.example' })
  app.get('/thing', async () => ({}))
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'OPTIONS', url: '/thing' })
  t.equal(res.statusCode, 204)
  t.equal(res.payload, '')
})
