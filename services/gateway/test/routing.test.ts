/**
 * Routing and pass-through, against two recording stand-in services: which service gets which
 * path (and nothing else), exactly what it receives, and exactly what the client gets back.
 * The same behaviour against the real services is in real-services.test.ts.
 */
import t, { type Test } from 'tap'
import { recordingUpstream, startGateway } from './helper.js'

const UUID = '550e8400-e29b-41d4-a716-446655440000'

async function setup(t: Test, frontendUrl?: string) {
  const users = await recordingUpstream(t, 'user-service')
  const messaging = await recordingUpstream(t, 'messaging-service')
  const gw = await startGateway(t, {
    userServiceUrl: users.url,
    messagingServiceUrl: messaging.url,
    ...(frontendUrl ? { frontendUrl } : {}),
  })
  const received = () => [
    ...users.received.map((r) => ['user-service', r] as const),
    ...messaging.received.map((r) => ['messaging-service', r] as const),
  ]
  const reset = () => {
    users.received.length = 0
    messaging.received.length = 0
  }
  return { users, messaging, gw, received, reset }
}

t.test('each public path reaches its service, with the path and query as sent', async (t) => {
  const { gw, received, reset } = await setup(t)
  const cases: Array<[method: string, path: string, upstream: string]> = [
    ['GET', '/api/users/@andrewbrown/short', 'user-service'],
    ['GET', '/api/users/@Some_Handle/short?x=1', 'user-service'],
    ['GET', '/api/message_groups', 'messaging-service'],
    ['GET', '/api/message_groups?limit=2&cursor=abc.def-ghi', 'messaging-service'],
    ['POST', `/api/message_groups/${UUID}/read`, 'messaging-service'],
    ['POST', `/api/message_groups/${UUID}/typing`, 'messaging-service'],
    ['GET', `/api/messages/${UUID}?limit=5`, 'messaging-service'],
    ['POST', '/api/messages', 'messaging-service'],
    ['GET', '/api/messages', 'messaging-service'],
    ['GET', '/api/messages/a/b/c', 'messaging-service'],
    ['GET', '/api/stream?ticket=abc&last_event_id=42', 'messaging-service'],
    ['POST', '/api/stream/ticket', 'messaging-service'],
    ['GET', '/api/stream/anything/below', 'messaging-service'],
  ]
  for (const [method, path, upstream] of cases) {
    reset()
    const res = await fetch(`${gw.url}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) })
    t.equal(res.status, 200, `${method} ${path}: 200`)
    t.same(await res.json(), { upstream }, `${method} ${path}: answered by ${upstream}`)
    const got = received()
    t.equal(got.length, 1, `${method} ${path}: exactly one upstream request`)
    t.equal(got[0]?.[0], upstream)
    t.equal(got[0]?.[1].url, path, 'the same path and query, byte for byte')
    t.equal(got[0]?.[1].method, method)
  }
})

t.test('bodies, headers and status codes pass through unchanged', async (t) => {
  const users = await recordingUpstream(t, 'user-service')
  const messaging = await recordingUpstream(t, 'messaging-service', (_req, res, body) => {
    res.writeHead(422, {
      'content-type': 'application/json; charset=utf-8',
      'x-next-cursor': 'eyJrIjoidiJ9.sig',
      'retry-after': '3',
      'x-custom': 'kept',
    })
    res.end(body) // the body as the service read it, echoed
  })
  const gw = await startGateway(t, { userServiceUrl: users.url, messagingServiceUrl: messaging.url })
  // Odd spacing, key order, escapes and non-ASCII: any re-serialisation would show.
  const raw = '{ "message" :"héllo \\u00e9 😀",   "handle":"bob" ,"extra":[1,2 ,3]}'
  const res = await fetch(`${gw.url}/api/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer token-value',
      'idempotency-key': 'key-1',
      'x-internal-token': 'a client must not hand this on',
      'x-request-id': 'trace-abc.1',
    },
    body: raw,
  })
  t.equal(res.status, 422, 'the service’s status')
  t.equal(await res.text(), raw, 'the service read exactly the bytes sent, and the client got its bytes back')
  t.equal(res.headers.get('x-next-cursor'), 'eyJrIjoidiJ9.sig')
  t.equal(res.headers.get('retry-after'), '3')
  t.equal(res.headers.get('x-custom'), 'kept')
  t.equal(res.headers.get('x-request-id'), 'trace-abc.1', 'a well-formed id is kept end to end')
  const seen = messaging.received[0]
  t.equal(seen?.headers.authorization, 'Bearer token-value')
  t.equal(seen?.headers['idempotency-key'], 'key-1')
  t.equal(seen?.headers['content-type'], 'application/json')
  t.equal(seen?.headers['x-request-id'], 'trace-abc.1')
  t.notOk(seen?.headers['x-internal-token'], 'the service token header is dropped')

  const notJson = await fetch(`${gw.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: 'not json at all',
  })
  t.equal(
    await notJson.text(),
    'not json at all',
    'any content type is handed on as is, for the service to judge',
  )
})

t.test(
  'a body over the 64 KiB limit is the gateway’s 413 (sized or chunked), and is never forwarded',
  async (t) => {
    const { gw, received } = await setup(t)
    const big = JSON.stringify({ message: 'x'.repeat(100_000) })
    const sized = await fetch(`${gw.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    })
    t.equal(sized.status, 413)
    t.match(await sized.json(), { statusCode: 413, errors: ['payload_too_large'] })
    const chunked = await fetch(`${gw.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 10; i++)
            controller.enqueue(new TextEncoder().encode(big.slice(i * 10_001, (i + 1) * 10_001)))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    t.equal(chunked.status, 413, 'chunked, without a content-length, too')
    t.equal(received().length, 0, 'no service saw either')
    const exactly = 'y'.repeat(64 * 1024 - 20)
    const atLimit = await fetch(`${gw.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ m: exactly }),
    })
    t.equal(atLimit.status, 200, 'a body within the limit goes through')
  },
)

t.test('a POST without a body reaches the service without one (and without an invented type)', async (t) => {
  const { gw, messaging } = await setup(t)
  const res = await fetch(`${gw.url}/api/message_groups/${UUID}/typing`, { method: 'POST' })
  t.equal(res.status, 200)
  t.equal(messaging.received[0]?.body.length, 0)
  t.notOk(messaging.received[0]?.headers['content-type'])
  const chunkedSmall = await fetch(`${gw.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"message":'))
        controller.enqueue(new TextEncoder().encode('"in two chunks"}'))
        controller.close()
      },
    }),
    duplex: 'half',
  } as RequestInit)
  t.equal(chunkedSmall.status, 200)
  const seen = messaging.received.at(-1)
  t.equal(seen?.body.toString(), '{"message":"in two chunks"}', 'a chunked upload arrives whole')
  t.equal(seen?.headers['content-length'], '27', 'with its length')
  t.equal(
    seen?.headers['content-type'],
    'application/json; charset=utf-8',
    'and the client’s content type as sent',
  )
})

t.test('an unsafe x-request-id is replaced before it is forwarded, and the new one returned', async (t) => {
  const { gw, messaging } = await setup(t)
  for (const bad of ['x'.repeat(8_000), 'has spaces', 'semi;colon']) {
    messaging.received.length = 0
    const res = await fetch(`${gw.url}/api/message_groups`, { headers: { 'x-request-id': bad } })
    const returned = res.headers.get('x-request-id') ?? ''
    t.match(returned, /^[0-9a-f-]{36}$/, 'a fresh id comes back')
    t.equal(messaging.received[0]?.headers['x-request-id'], returned, 'and is the one the service got')
  }
})

t.test('nothing under /internal is ever forwarded, however it is spelled', async (t) => {
  const { gw, received } = await setup(t)
  const variants = [
    '/internal/users/by-handle/andrewbrown',
    '/internal/users/batch',
    '/internal/cognito/sync',
    '/INTERNAL/users/batch',
    '/internal%2Fusers%2Fbatch',
    '/internal%2fcognito%2fsync',
    '/%69nternal/users/batch',
    '//internal/users/batch',
    '///internal/users/batch',
    '/api/../internal/users/batch',
    '/api/%2e%2e/internal/users/batch',
    '/api/users/..%2F..%2Finternal/short',
    '/api/users/@..%2F..%2Finternal%2Fusers%2Fbatch/short',
    '/api/messages/../../internal/users/batch',
    '/api/messages/%2e%2e/%2e%2e/internal/users/batch',
    '/api/messages/%252e%252e/%252e%252e/internal/users/batch',
    '/api/messages/..%5C..%5Cinternal%5Cusers',
    '/api/message_groups/..;/..;/internal/users/batch',
    '/api/stream/..%2f..%2finternal',
  ]
  for (const path of variants) {
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${gw.url}${path}`, {
        method,
        headers: { 'x-internal-token': 'guessed-or-stolen' },
        ...(method === 'POST'
          ? { body: '{"uuids":[]}', headers: { 'content-type': 'application/json' } }
          : {}),
      })
      t.equal(res.status, 404, `${method} ${path}: 404`)
      const body = await res.json()
      t.match(body, { statusCode: 404, error: 'Not Found', errors: ['not_found'] }, 'in the error shape')
    }
  }
  // fetch() normalises dot segments itself: send a few on a raw socket too.
  const net = await import('node:net')
  for (const target of [
    '/api/../internal/users/batch',
    '/api/messages/../../internal/users/batch',
    '/./internal/x',
  ]) {
    const socket = net.connect(Number(new URL(gw.url).port), '127.0.0.1')
    socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    let text = ''
    for await (const chunk of socket) text += chunk
    t.match(text, /^HTTP\/1\.1 404 /, `raw ${target}: 404`)
  }
  t.equal(received().length, 0, 'no service received any of them')
})

t.test('any other path is a 404 in the error shape, answered by the gateway', async (t) => {
  const { gw, received } = await setup(t)
  // `/` is the web page's (web-page.test.ts); every other path is nobody's.
  for (const [method, path] of [
    ['GET', '/api'],
    ['GET', '/api/'],
    ['GET', '/api/users'],
    ['GET', '/api/users/andrewbrown'],
    ['GET', '/api/users/@andrewbrown'],
    ['GET', '/api/users/@andrewbrown/long'],
    ['POST', '/api/users/@andrewbrown/short'],
    ['GET', '/api/messagesX'],
    ['GET', '/api/message_groupsX/1'],
    ['PUT', '/api/messages'],
    ['DELETE', `/api/messages/${UUID}`],
    ['GET', '/favicon.ico'],
    ['GET', '/metrics'],
  ] as const) {
    const res = await fetch(`${gw.url}${path}`, { method })
    t.equal(res.status, 404, `${method} ${path}: 404`)
    t.same(await res.json(), {
      statusCode: 404,
      error: 'Not Found',
      message: `Route ${method} ${path} not found`,
      errors: ['not_found'],
    })
  }
  t.equal(received().length, 0, 'no service was asked')
})

t.test('CORS is the gateway’s: a service’s own grant never reaches the browser', async (t) => {
  const { gw, messaging } = await setup(t, 'http://localhost:23000, https://cruddur.example')
  // The stand-in service answers `access-control-allow-origin: *`: the gateway must drop it.
  const refused = await fetch(`${gw.url}/api/message_groups`, { headers: { origin: 'https://evil.example' } })
  t.equal(refused.status, 200)
  t.equal(refused.headers.get('access-control-allow-origin'), null, 'no grant for an origin not listed')
  const allowed = await fetch(`${gw.url}/api/message_groups`, {
    headers: { origin: 'https://cruddur.example' },
  })
  t.equal(allowed.headers.get('access-control-allow-origin'), 'https://cruddur.example')
  t.match(allowed.headers.get('access-control-expose-headers'), /x-next-cursor/)
  t.match(allowed.headers.get('access-control-expose-headers'), /retry-after/, 'and Retry-After (429s)')
  t.match(allowed.headers.get('vary'), /Origin/)
  t.equal(allowed.headers.get('x-next-cursor'), 'cursor-from-upstream')
  messaging.received.length = 0
  const preflight = await fetch(`${gw.url}/api/messages`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:23000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  })
  t.equal(preflight.status, 204)
  t.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:23000')
  t.equal(messaging.received.length, 0, 'preflights are answered by the gateway, not forwarded')
})

t.test('/docs/json describes the public routes and nothing internal', async (t) => {
  const { gw } = await setup(t)
  const doc = (await (await fetch(`${gw.url}/docs/json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: unknown }>>
  }
  const paths = Object.keys(doc.paths).sort()
  t.same(paths, [
    '/api/message_groups',
    '/api/message_groups/{message_group_uuid}/read',
    '/api/message_groups/{message_group_uuid}/typing',
    '/api/messages',
    '/api/messages/{message_group_uuid}',
    '/api/stream',
    '/api/stream/ticket',
    '/api/users/@{handle}/short',
    '/health',
    '/ready',
  ])
  t.notMatch(JSON.stringify(doc.paths), /internal/i)
  t.ok(doc.paths['/api/messages']?.post?.requestBody, 'the send body is described')
})
