/**
 * The whole system behind the gateway, as the web client uses it: both services and the
 * gateway as processes, a browser-like Origin that is NOT the default FRONTEND_URL, every
 * request preceded by its preflight when a browser would send one. Then every public route the
 * services describe answers the same through the gateway as directly, /internal stays
 * unreachable, and the request id is one trail through all three logs.
 */
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { call, type ErrorBody, type ListedMessage, type Reply, type SentMessage } from './lib/http.js'
import { accessLines, assertNoSecretsLogged } from './lib/logs.js'
import { eventually } from './lib/system.js'
import { systemWithPeople } from './lib/users.js'

const WEB = 'http://localhost:23000'
const FRONTEND_URL = `${WEB},https://web.cruddur.test`
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const {
  system,
  people: { alice, bob, carol },
} = await systemWithPeople(t, 'gateway', 'gw', ['alice', 'bob', 'carol'], {
  gateway: true,
  frontendUrl: FRONTEND_URL,
})
let group = ''

interface BrowserCall {
  token?: string
  body?: unknown
  headers?: Record<string, string>
}

/**
 * What a browser on WEB does: a preflight when the request carries credentials or JSON (the
 * gateway must grant exactly that), then the request, whose answer it may read only with an
 * Access-Control-Allow-Origin for WEB.
 */
async function browser<T>(
  t: Test,
  method: 'GET' | 'POST',
  path: string,
  c: BrowserCall = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { origin: WEB, ...c.headers }
  const asked = [...(c.token ? ['authorization'] : []), ...(c.body !== undefined ? ['content-type'] : [])]
  asked.push(...Object.keys(c.headers ?? {}).filter((h) => h === 'idempotency-key'))
  if (asked.length > 0) {
    const preflight = await call(system.gatewayUrl, 'OPTIONS', path, {
      headers: {
        origin: WEB,
        'access-control-request-method': method,
        'access-control-request-headers': asked.join(','),
      },
    })
    t.equal(preflight.status, 204, `preflight ${method} ${path}`)
    t.equal(preflight.headers.get('access-control-allow-origin'), WEB)
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase()
    for (const h of asked) t.ok(allowed.includes(h), `preflight allows ${h}`)
  }
  const res = await call<T>(system.gatewayUrl, method, path, {
    headers,
    ...(c.token ? { token: c.token } : {}),
    ...(c.body !== undefined ? { body: c.body } : {}),
  })
  t.equal(
    res.headers.get('access-control-allow-origin'),
    WEB,
    `${method} ${path}: readable by the web client`,
  )
  return res
}

t.test(
  'the web client’s path: profile, start, reply, lists and pages, all through the gateway',
  async (t) => {
    const profile = await browser<{ uuid: string; handle: string; display_name: string }>(
      t,
      'GET',
      `/api/users/@${bob.handle.toUpperCase()}/short`,
    )
    t.equal(profile.status, 200)
    t.same(profile.json, { uuid: profile.json.uuid, handle: bob.handle, display_name: bob.displayName })

    const start = await browser<SentMessage>(t, 'POST', '/api/messages', {
      token: alice.accessToken,
      body: { handle: bob.handle, message: 'hello through the gateway' },
      headers: { 'idempotency-key': randomUUID() },
    })
    t.equal(start.status, 200, 'started', { body: start.text })
    t.match(start.json, { message_group_uuid: UUID, uuid: UUID, handle: alice.handle })
    group = start.json.message_group_uuid
    for (let i = 0; i < 4; i++) {
      const from = i % 2 === 0 ? bob : alice
      const res = await browser<SentMessage>(t, 'POST', '/api/messages', {
        token: from.accessToken,
        body: { message_group_uuid: group, message: `gw ${i}` },
      })
      t.equal(res.status, 200)
    }
    t.equal(
      (
        await browser(t, 'POST', '/api/messages', {
          token: alice.accessToken,
          body: { handle: carol.handle, message: 'hi carol' },
        })
      ).status,
      200,
    )

    const groups = await browser<Array<Record<string, string>>>(t, 'GET', '/api/message_groups?limit=1', {
      token: alice.accessToken,
    })
    t.equal(groups.status, 200)
    t.match(groups.headers.get('access-control-expose-headers'), /x-next-cursor/i)
    const groupCursor = groups.headers.get('x-next-cursor')
    t.ok(groupCursor, 'x-next-cursor reaches the browser')
    t.equal(groups.json[0]?.handle, carol.handle)
    const older = await browser<Array<Record<string, string>>>(
      t,
      'GET',
      `/api/message_groups?limit=1&cursor=${encodeURIComponent(groupCursor ?? '')}`,
      { token: alice.accessToken },
    )
    t.equal(older.json[0]?.uuid, group)
    t.equal(older.json[0]?.message, 'gw 3')

    const page1 = await browser<ListedMessage[]>(t, 'GET', `/api/messages/${group}?limit=3`, {
      token: bob.accessToken,
    })
    const cursor = page1.headers.get('x-next-cursor')
    t.ok(cursor)
    const page2 = await browser<ListedMessage[]>(
      t,
      'GET',
      `/api/messages/${group}?limit=3&cursor=${encodeURIComponent(cursor ?? '')}`,
      { token: bob.accessToken },
    )
    t.same(
      [...page2.json, ...page1.json].map((m) => m.message),
      ['hello through the gateway', 'gw 0', 'gw 1', 'gw 2', 'gw 3'],
    )

    const refused = await browser<ErrorBody>(t, 'GET', `/api/messages/${group}`, { token: carol.accessToken })
    t.equal(refused.status, 404)
    t.same(refused.json.errors, ['message_group_not_found'])
  },
)

t.test('an origin not in FRONTEND_URL gets no grant from the gateway', async (t) => {
  for (const origin of ['http://localhost:3000', 'https://evil.example']) {
    const pre = await call(system.gatewayUrl, 'OPTIONS', '/api/messages', {
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    })
    t.equal(pre.headers.get('access-control-allow-origin'), null, `${origin}: preflight refused`)
    const res = await call(system.gatewayUrl, 'GET', '/api/message_groups', {
      token: alice.accessToken,
      headers: { origin },
    })
    t.equal(res.status, 200)
    t.equal(res.headers.get('access-control-allow-origin'), null, `${origin}: answer not readable`)
  }
})

t.test('every public route the services describe answers the same through the gateway', async (t) => {
  const routes: Array<{ base: string; method: string; path: string }> = []
  for (const base of [system.facts.userService.url, system.facts.messagingService.url]) {
    const doc = await call<{ paths: Record<string, Record<string, unknown>> }>(base, 'GET', '/docs/json')
    for (const [path, ops] of Object.entries(doc.json.paths))
      for (const method of Object.keys(ops))
        if (path.startsWith('/api/') && ['get', 'post'].includes(method))
          routes.push({ base, method: method.toUpperCase(), path })
  }
  t.ok(routes.length >= 4, `${routes.length} public routes described`)
  const concrete = (path: string) =>
    path
      .replace('{handle}', bob.handle)
      .replace('{message_group_uuid}', group)
      .replace(/\{[^}]+\}/g, 'x')
  for (const { base, method, path } of routes) {
    const url = concrete(path)
    const ask = async (origin: string) => {
      // Heads only: an event stream never ends on its own.
      const abort = new AbortController()
      const res = await fetch(`${origin}${url}`, {
        method,
        headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
        signal: abort.signal,
      })
      const type = res.headers.get('content-type') ?? ''
      const body = type.includes('event-stream') ? null : await res.text()
      abort.abort()
      return { status: res.status, type: type.split(';')[0], body }
    }
    const direct = await ask(base)
    const via = await ask(system.gatewayUrl)
    t.equal(via.status, direct.status, `${method} ${path}: ${direct.status} both ways`)
    t.equal(via.type, direct.type, `${method} ${path}: same content type`)
    if (method === 'GET' && direct.body !== null)
      t.equal(via.body, direct.body, `${method} ${path}: same body`)
  }
})

t.test('/internal stays unreachable through the gateway, even with the real service token', async (t) => {
  const token = { 'x-internal-token': system.facts.internalToken }
  const direct = await call(system.facts.userService.url, 'GET', `/internal/users/by-handle/${bob.handle}`, {
    headers: token,
  })
  t.equal(direct.status, 200, 'the token works on user-service itself')
  for (const path of [
    `/internal/users/by-handle/${bob.handle}`,
    `/internal%2Fusers%2Fby-handle%2F${bob.handle}`,
    `//internal/users/by-handle/${bob.handle}`,
    `/api/users/..%2F..%2Finternal%2Fusers%2Fby-handle%2F${bob.handle}/short`,
    // Not '/': that is the web page now (services/gateway/test/web-page.test.ts).
    '/index.html',
    '/docs/../internal/users/batch',
  ]) {
    const res = await call<ErrorBody>(system.gatewayUrl, 'GET', path, { headers: token })
    t.equal(res.status, 404, `${path}: 404`)
    t.same(res.json.errors, ['not_found'])
  }
})

t.test('one request id from the browser through the gateway and both services', async (t) => {
  const id = `web-${randomUUID().slice(0, 8)}`
  const res = await browser(t, 'POST', '/api/messages', {
    token: carol.accessToken,
    body: { handle: bob.handle, message: 'trace me' },
    headers: { 'x-request-id': id },
  })
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-request-id'), id, 'returned to the browser')
  // Access lines are written when a response has finished, and reach us through a pipe.
  const logged = (service: 'gateway' | 'messaging-service' | 'user-service', reqId: string) =>
    eventually(
      `${service} logged ${reqId}`,
      async () => accessLines(system, service, reqId).length >= 1,
      5_000,
    )
  await logged('gateway', id)
  await logged('messaging-service', id)
  await logged('user-service', id)
  t.equal(accessLines(system, 'gateway', id).length, 1, 'one access line in the gateway’s log')
  t.equal(accessLines(system, 'messaging-service', id).length, 1, 'one in messaging-service’s')
  t.ok(accessLines(system, 'user-service', id).length >= 1, 'and in user-service’s (the handle lookup)')

  const forged = 'x\u2028{"level":60}'.padEnd(200, 'x')
  const bad = await call(system.gatewayUrl, 'GET', `/api/users/@${bob.handle}/short`, {
    headers: { 'x-request-id': encodeURIComponent(forged) },
  })
  const fresh = bad.headers.get('x-request-id') ?? ''
  t.match(fresh, UUID, 'an unsafe id is replaced')
  await logged('user-service', fresh)
  t.equal(
    accessLines(system, 'user-service', fresh).length,
    1,
    'and the replacement is what the service logged',
  )
})

t.test('no token, password or internal token in any log line, the gateway’s included', async (t) => {
  assertNoSecretsLogged(t, system)
})
