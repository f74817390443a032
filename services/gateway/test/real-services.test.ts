/**
 * The web client's whole path through the gateway to the real user-service and
 * messaging-service (processes, real engines), from a browser-like origin that is NOT the
 * default FRONTEND_URL: preflight and request, every public route, errors passed through as
 * the services answer them, cursors, /internal refused, and a service stopped underneath.
 */
import type { CreateMessageResponse, MessageGroupList, MessageList, UserShort } from '@cruddur/types'
import t from 'tap'
import { startGateway } from './helper.js'
import { type RealServices, signedUpUser, startRealServices, type TestUser } from './services.js'

const WEB = 'http://localhost:23000'
const OTHER_WEB = 'https://web.cruddur.test'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

let services: RealServices
let gateway: string
let alice: TestUser
let bob: TestUser
let carol: TestUser
let conversation = ''

t.before(async () => {
  services = await startRealServices(t)
  // The services run with the default FRONTEND_URL (http://localhost:3000); only the gateway
  // knows the web client's real origins.
  gateway = (
    await startGateway(t, {
      userServiceUrl: services.userService.url,
      messagingServiceUrl: services.messagingService.url,
      frontendUrl: `${WEB},${OTHER_WEB}`,
    })
  ).url
  alice = await signedUpUser(t, services, 'alice')
  bob = await signedUpUser(t, services, 'bob')
  carol = await signedUpUser(t, services, 'carol')
})

/** A browser's request: preflight first when the request is not "simple", then the request. */
async function browser(method: 'GET' | 'POST', path: string, user?: TestUser, body?: unknown, extra = {}) {
  const headers: Record<string, string> = { origin: WEB, ...extra }
  if (user) headers.authorization = `Bearer ${user.accessToken}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (user || body !== undefined) {
    const preflight = await fetch(`${gateway}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin: WEB,
        'access-control-request-method': method,
        'access-control-request-headers': Object.keys(headers)
          .filter((h) => h !== 'origin')
          .join(','),
      },
    })
    if (preflight.status !== 204 || preflight.headers.get('access-control-allow-origin') !== WEB)
      throw new Error(`preflight for ${method} ${path} refused: ${preflight.status}`)
  }
  return fetch(`${gateway}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
}

t.test('preflight for the web client’s origin: methods, request headers, exposed header', async (t) => {
  for (const origin of [WEB, OTHER_WEB]) {
    const res = await fetch(`${gateway}/api/messages`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Authorization, Content-Type, Idempotency-Key',
      },
    })
    t.equal(res.status, 204, `${origin}: 204`)
    t.equal(res.headers.get('access-control-allow-origin'), origin)
    t.same(
      res.headers
        .get('access-control-allow-methods')
        ?.split(',')
        .map((m) => m.trim())
        .sort(),
      ['GET', 'OPTIONS', 'POST'],
    )
    t.match(res.headers.get('access-control-allow-headers'), /Authorization.*Content-Type.*Idempotency-Key/)
  }
})

t.test('an origin that is not listed gets no grant, even one the services themselves allow', async (t) => {
  for (const origin of [
    'http://localhost:3000',
    'https://evil.example',
    'http://localhost:23000.evil.example',
  ]) {
    const preflight = await fetch(`${gateway}/api/message_groups`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    })
    t.equal(preflight.headers.get('access-control-allow-origin'), null, `${origin}: no preflight grant`)
    const real = await fetch(`${gateway}/api/users/@${bob.handle}/short`, { headers: { origin } })
    t.equal(real.status, 200)
    t.equal(real.headers.get('access-control-allow-origin'), null, `${origin}: no grant on the answer`)
  }
})

t.test('GET /api/users/@:handle/short reaches user-service', async (t) => {
  const res = await browser('GET', `/api/users/@${bob.handle.toUpperCase()}/short`)
  t.equal(res.status, 200)
  t.equal(res.headers.get('access-control-allow-origin'), WEB)
  const body = (await res.json()) as UserShort
  t.same(body, { uuid: body.uuid, handle: bob.handle, display_name: bob.displayName })
  t.match(body.uuid, UUID)
  const missing = await browser('GET', '/api/users/@nobody_like_this/short')
  t.equal(missing.status, 404)
  t.match(
    await missing.json(),
    { statusCode: 404, errors: ['user_not_found'] },
    'the service’s 404, unchanged',
  )
})

t.test('POST /api/messages starts and continues a conversation', async (t) => {
  const started = await browser('POST', '/api/messages', alice, { message: 'Hi Bob!', handle: bob.handle })
  t.equal(started.status, 200)
  t.equal(started.headers.get('access-control-allow-origin'), WEB)
  const first = (await started.json()) as CreateMessageResponse
  t.match(first, {
    message_group_uuid: UUID,
    uuid: UUID,
    display_name: alice.displayName,
    handle: alice.handle,
    message: 'Hi Bob!',
    created_at: ISO_MS,
  })
  conversation = first.message_group_uuid
  for (let i = 0; i < 4; i++) {
    const from = i % 2 === 0 ? bob : alice
    const res = await browser('POST', '/api/messages', from, {
      message: `reply ${i}`,
      message_group_uuid: conversation,
    })
    t.equal(res.status, 200)
    t.equal(((await res.json()) as CreateMessageResponse).message_group_uuid, conversation)
  }
  t.equal(
    (await browser('POST', '/api/messages', alice, { message: 'Hi Carol', handle: carol.handle })).status,
    200,
  )
})

t.test('Idempotency-Key passes through: a retried send is stored once', async (t) => {
  const key = { 'idempotency-key': `gw-${Date.now()}` }
  const body = { message: 'only once', message_group_uuid: conversation }
  const one = (await (
    await browser('POST', '/api/messages', alice, body, key)
  ).json()) as CreateMessageResponse
  const two = (await (
    await browser('POST', '/api/messages', alice, body, key)
  ).json()) as CreateMessageResponse
  t.equal(two.uuid, one.uuid, 'the same answer')
  const reused = await browser('POST', '/api/messages', alice, { ...body, message: 'else' }, key)
  t.equal(reused.status, 409)
  t.match(await reused.json(), { errors: ['idempotency_key_reused'] })
})

t.test(
  'GET /api/message_groups and GET /api/messages/:uuid page with x-next-cursor through the gateway',
  async (t) => {
    const groups = await browser('GET', '/api/message_groups?limit=1', alice)
    t.equal(groups.status, 200)
    t.match(
      groups.headers.get('access-control-expose-headers'),
      /x-next-cursor/i,
      'the browser may read the cursor',
    )
    const cursor = groups.headers.get('x-next-cursor')
    t.ok(cursor, 'a cursor for the second conversation')
    const [newest] = (await groups.json()) as MessageGroupList
    t.same(
      newest,
      {
        uuid: conversation,
        display_name: bob.displayName,
        handle: bob.handle,
        message: 'only once',
        created_at: newest?.created_at,
        // Bob's "reply 0" and "reply 2": Alice has read nothing yet.
        unread_count: 2,
      },
      'most recent activity first: the other person and the last message',
    )
    const older = await browser(
      'GET',
      `/api/message_groups?limit=1&cursor=${encodeURIComponent(cursor ?? '')}`,
      alice,
    )
    t.equal(older.status, 200)
    const [second] = (await older.json()) as MessageGroupList
    t.match(second, { handle: carol.handle, message: 'Hi Carol' }, 'the second page')

    const page1 = await browser('GET', `/api/messages/${conversation}?limit=3`, bob)
    t.equal(page1.status, 200)
    const next = page1.headers.get('x-next-cursor')
    t.ok(next)
    const page2 = await browser(
      'GET',
      `/api/messages/${conversation}?limit=3&cursor=${encodeURIComponent(next ?? '')}`,
      bob,
    )
    t.equal(page2.status, 200)
    const pages = [(await page2.json()) as MessageList, (await page1.json()) as MessageList]
    const all = pages.flat().map((m) => m.message)
    t.same(all, ['Hi Bob!', 'reply 0', 'reply 1', 'reply 2', 'reply 3', 'only once'])

    const foreign = await browser(
      'GET',
      `/api/messages/${conversation}?cursor=${encodeURIComponent(next ?? '')}`,
      carol,
    )
    t.equal(
      foreign.status === 400 || foreign.status === 404,
      true,
      'another caller’s cursor is refused by the service',
    )
  },
)

t.test('the services’ error answers pass through unchanged', async (t) => {
  const cases: Array<[string, Response, number, string]> = [
    ['no token', await browser('GET', '/api/message_groups'), 401, 'unauthorized'],
    [
      'blank message',
      await browser('POST', '/api/messages', alice, { message: '  ', handle: bob.handle }),
      422,
      'message_blank',
    ],
    ['no target', await browser('POST', '/api/messages', alice, { message: 'x' }), 422, 'handle_blank'],
    [
      'to myself',
      await browser('POST', '/api/messages', alice, { message: 'x', handle: alice.handle }),
      422,
      'cannot_message_self',
    ],
    ['malformed JSON', await browser('POST', '/api/messages', alice, '{"message": '), 400, 'invalid_json'],
    ['bad uuid', await browser('GET', '/api/messages/not-a-uuid', alice), 400, 'invalid_message_group_uuid'],
    [
      'not a member',
      await browser('GET', `/api/messages/${conversation}`, carol),
      404,
      'message_group_not_found',
    ],
  ]
  for (const [what, res, status, code] of cases) {
    t.equal(res.status, status, `${what}: ${status}`)
    t.equal(res.headers.get('access-control-allow-origin'), WEB, `${what}: the browser may read the error`)
    t.match(await res.json(), { statusCode: status, errors: [code] }, `${what}: ${code}`)
  }
})

t.test('a body over the services’ limit is their 413, sized or chunked, never a 5xx', async (t) => {
  const big = JSON.stringify({ message: 'x'.repeat(100_000), message_group_uuid: conversation })
  const sized = await browser('POST', '/api/messages', alice, big)
  t.equal(sized.status, 413)
  t.match(await sized.json(), { errors: ['payload_too_large'] })
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 10; i++)
        controller.enqueue(new TextEncoder().encode(big.slice(i * 10_001, (i + 1) * 10_001)))
      controller.close()
    },
  })
  const chunked = await fetch(`${gateway}/api/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'application/json' },
    body: chunks,
    duplex: 'half',
  } as RequestInit)
  t.equal(chunked.status, 413, 'chunked (no content-length) too', { body: await chunked.text() })
})

t.test('x-request-id: a good one is kept by gateway and service; a bad one is replaced', async (t) => {
  const good = await browser('GET', `/api/users/@${bob.handle}/short`, undefined, undefined, {
    'x-request-id': 'web-42.a_b',
  })
  t.equal(good.headers.get('x-request-id'), 'web-42.a_b')
  const bad = await browser('GET', `/api/users/@${bob.handle}/short`, undefined, undefined, {
    'x-request-id': 'x'.repeat(500),
  })
  t.match(bad.headers.get('x-request-id'), UUID)
})

t.test('/internal is not reachable through the gateway, even with the real service token', async (t) => {
  const token = { 'x-internal-token': services.facts.internalToken }
  const direct = await fetch(`${services.userService.url}/internal/users/by-handle/${bob.handle}`, {
    headers: token,
  })
  t.equal(direct.status, 200, 'the token is valid: user-service answers it directly')
  for (const path of [
    `/internal/users/by-handle/${bob.handle}`,
    `/internal%2Fusers%2Fby-handle%2F${bob.handle}`,
    `//internal/users/by-handle/${bob.handle}`,
    `/api/users/..%2F..%2Finternal/users/by-handle/${bob.handle}`,
    `/api/messages/%2e%2e/%2e%2e/internal/users/by-handle/${bob.handle}`,
  ]) {
    const res = await fetch(`${gateway}${path}`, { headers: token })
    t.equal(res.status, 404, `${path}: 404`)
    t.match(await res.json(), { statusCode: 404, errors: ['not_found'] })
  }
})

t.test(
  'a service stopped underneath: 503 for its routes, /ready names it, the other still answers',
  async (t) => {
    t.equal((await fetch(`${gateway}/ready`)).status, 200, 'ready while both are up')
    await services.messagingService.stop()
    const down = await browser('GET', '/api/message_groups', alice)
    t.equal(down.status, 503)
    t.same(await down.json(), {
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'messaging-service is unavailable, try again shortly',
      errors: ['dependency_unavailable'],
    })
    t.equal(down.headers.get('access-control-allow-origin'), WEB, 'the browser may read the 503')
    const send = await browser('POST', '/api/messages', alice, {
      message: 'lost?',
      message_group_uuid: conversation,
    })
    t.equal(send.status, 503)
    const ready = await fetch(`${gateway}/ready`)
    t.equal(ready.status, 503)
    t.match(await ready.json(), { message: /messaging-service/, errors: ['dependency_unavailable'] })
    t.equal(
      (await browser('GET', `/api/users/@${bob.handle}/short`)).status,
      200,
      'user-service still answers',
    )

    await services.userService.stop()
    const users = await browser('GET', `/api/users/@${bob.handle}/short`)
    t.equal(users.status, 503)
    t.match(await users.json(), { message: 'user-service is unavailable, try again shortly' })
  },
)
