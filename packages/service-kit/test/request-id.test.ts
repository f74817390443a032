import { once } from 'node:events'
import net from 'node:net'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { REQUEST_ID_PATTERN, requestIdFor, requestIdPlugin, serverOptions } from '../src/index.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** An app as the services build it (serverOptions + the request-id plugin), logging into `lines`. */
async function build(t: Test) {
  const lines: string[] = []
  const base = serverOptions('request-id-test')
  const app = Fastify({
    ...base,
    logger: { ...(base.logger as object), level: 'info', stream: { write: (l: string) => lines.push(l) } },
  })
  await app.register(requestIdPlugin)
  app.get('/id', async (request) => ({ id: request.id }))
  t.teardown(() => app.close())
  return { app, lines }
}

t.test('a well-formed x-request-id is kept, logged, and returned', async (t) => {
  const { app, lines } = await build(t)
  for (const id of ['req-123', 'a', 'A.b_c-9', 'x'.repeat(64), '550e8400-e29b-41d4-a716-446655440000']) {
    const res = await app.inject({ method: 'GET', url: '/id', headers: { 'x-request-id': id } })
    t.equal(res.json().id, id, `${id.slice(0, 20)} is the request id`)
    t.equal(res.headers['x-request-id'], id, 'and comes back on the response')
  }
  t.ok(
    lines.some((l) => JSON.parse(l).reqId === 'req-123'),
    'the access line carries it',
  )
})

t.test('an unsafe x-request-id is replaced: never echoed, logged or used', async (t) => {
  const { app, lines } = await build(t)
  const unsafe = {
    '8,000 characters': 'a'.repeat(8_000),
    '65 characters': 'b'.repeat(65),
    'a newline forging a log line': 'ok\n{"level":60,"msg":"forged"}',
    spaces: 'id with spaces',
    'non-ASCII': 'idé-ü',
    'a bidi override': 'admin\u202etxt',
    'quotes and markup': '<script>"x"</script>',
    empty: '',
  }
  for (const [what, id] of Object.entries(unsafe)) {
    const res = await app.inject({ method: 'GET', url: '/id', headers: { 'x-request-id': id } })
    const got = res.json().id
    t.not(got, id, `${what}: not used as the id`)
    t.match(got, UUID, `${what}: a fresh UUID instead`)
    t.equal(res.headers['x-request-id'], got, `${what}: the response names the new id`)
  }
  const log = lines.join('')
  t.notOk(log.includes('a'.repeat(100)), 'the long id is in no log line')
  t.notOk(log.includes('forged'), 'the newline id is in no log line')
  t.notOk(log.includes('id with spaces'), 'the id with spaces is in no log line')
})

t.test('two x-request-id headers are not trusted either', async (t) => {
  t.match(requestIdFor(['a', 'b']), UUID)
  t.match(requestIdFor(undefined), UUID)
  t.equal(requestIdFor('ok-1'), 'ok-1')
  t.notOk(REQUEST_ID_PATTERN.test('a/b'), 'no slashes')
})

t.test('over a real socket: raw non-ASCII bytes and an 8,000-character id get a new id', async (t) => {
  const { app } = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as net.AddressInfo
  const ask = async (headerValue: Buffer) => {
    const socket = net.connect(port, '127.0.0.1')
    await once(socket, 'connect')
    socket.write(
      Buffer.concat([
        Buffer.from('GET /id HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-Id: '),
        headerValue,
        Buffer.from('\r\n\r\n'),
      ]),
    )
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    await once(socket, 'end')
    const text = Buffer.concat(chunks).toString('latin1')
    const header = /\r\nx-request-id: ([^\r]*)\r\n/i.exec(text)?.[1]
    return { header, body: text.slice(text.indexOf('\r\n\r\n') + 4) }
  }
  for (const value of [Buffer.from([0x69, 0x64, 0xe9, 0xff]), Buffer.from('z'.repeat(8_000))]) {
    const { header, body } = await ask(value)
    t.match(header, UUID, 'the response carries a fresh UUID')
    t.match(body, header ?? 'none', 'and the app used that one')
  }
})
