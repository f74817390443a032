/**
 * A service behind the gateway that is down, hangs, or is not ready: the client gets a 503
 * `dependency_unavailable` in the error shape, within the timeout, with no upstream text.
 * The same against a real service process that is stopped: real-services.test.ts.
 */
import net from 'node:net'
import type { ErrorBody } from '@cruddur/types'
import t, { type Test } from 'tap'
import { closedPortUrl, recordingUpstream, startGateway } from './helper.js'

/** A service that accepts connections and never answers. */
async function hangingUpstream(t: Test) {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    server.close()
  })
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
}

const LEAKS = /ECONNREFUSED|ECONNRESET|UND_ERR|undici|timeout|Timeout|socket|127\.0\.0\.1|at /

async function expect503(t: Test, res: Response, upstream: string) {
  t.equal(res.status, 503)
  const text = await res.text()
  t.same(JSON.parse(text), {
    statusCode: 503,
    error: 'Service Unavailable',
    message: `${upstream} is unavailable, try again shortly`,
    errors: ['dependency_unavailable'],
  })
  t.notMatch(text, LEAKS, 'no upstream or driver text in the body')
}

t.test('a service that is not running → 503 dependency_unavailable', async (t) => {
  const gw = await startGateway(t, {
    userServiceUrl: await closedPortUrl(),
    messagingServiceUrl: await closedPortUrl(),
  })
  await expect503(t, await fetch(`${gw.url}/api/users/@andrewbrown/short`), 'user-service')
  await expect503(t, await fetch(`${gw.url}/api/message_groups`), 'messaging-service')
  await expect503(
    t,
    await fetch(`${gw.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"message":"hi","handle":"bob"}',
    }),
    'messaging-service',
  )
  await expect503(t, await fetch(`${gw.url}/api/stream`), 'messaging-service')
})

t.test('a service that hangs → 503 within the response timeout', async (t) => {
  const timeoutMs = 500
  const gw = await startGateway(t, {
    userServiceUrl: await hangingUpstream(t),
    messagingServiceUrl: await hangingUpstream(t),
    timeouts: { responseMs: timeoutMs },
  })
  for (const [path, init, upstream] of [
    ['/api/users/@andrewbrown/short', {}, 'user-service'],
    ['/api/message_groups', {}, 'messaging-service'],
    ['/api/messages', { method: 'POST', body: '{"message":"x","handle":"y"}' }, 'messaging-service'],
    ['/api/stream', {}, 'messaging-service'],
  ] as const) {
    const started = Date.now()
    const res = await fetch(`${gw.url}${path}`, init)
    const took = Date.now() - started
    await expect503(t, res, upstream)
    t.ok(took >= timeoutMs - 50 && took < timeoutMs + 1_500, `${path}: answered after ${took} ms`)
  }
})

t.test('a service that answers 503 itself is passed through as it answered (not retried)', async (t) => {
  let calls = 0
  const messaging = await recordingUpstream(t, 'messaging-service', (_req, res) => {
    calls++
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' })
    res.end(
      JSON.stringify({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'user-service is unavailable, try again shortly',
        errors: ['dependency_unavailable'],
      }),
    )
  })
  const gw = await startGateway(t, {
    userServiceUrl: await closedPortUrl(),
    messagingServiceUrl: messaging.url,
  })
  const res = await fetch(`${gw.url}/api/message_groups`)
  t.equal(res.status, 503)
  t.equal(res.headers.get('retry-after'), '1')
  t.match(await res.json(), { message: 'user-service is unavailable, try again shortly' })
  t.equal(calls, 1, 'asked once: the service decides about its own dependencies')
})

t.test('/ready is 200 only when both services’ /ready answer 200', async (t) => {
  const up = await recordingUpstream(t, 'user-service')
  const upToo = await recordingUpstream(t, 'messaging-service')
  const notReady = await recordingUpstream(t, 'messaging-service', (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' })
    res.end('{"statusCode":503}')
  })
  const both = await startGateway(t, { userServiceUrl: up.url, messagingServiceUrl: upToo.url })
  const ok = await fetch(`${both.url}/ready`)
  t.equal(ok.status, 200)
  t.same(await ok.json(), { status: 'ready', checks: { 'user-service': 'ok', 'messaging-service': 'ok' } })
  t.equal(up.received.at(-1)?.url, '/ready', 'it asked the service’s own /ready')
  t.equal((await fetch(`${both.url}/health`)).status, 200)

  for (const [what, messagingServiceUrl] of [
    ['answers 503', notReady.url],
    ['is down', await closedPortUrl()],
    ['hangs', await hangingUpstream(t)],
  ] as const) {
    const gw = await startGateway(t, { userServiceUrl: up.url, messagingServiceUrl })
    const started = Date.now()
    const res = await fetch(`${gw.url}/ready`)
    t.equal(res.status, 503, `messaging-service ${what}: 503`)
    const body = (await res.json()) as ErrorBody
    t.match(body, { errors: ['dependency_unavailable'], message: /messaging-service/ })
    t.notMatch(body.message, /user-service/, 'names only the one that is not ready')
    t.ok(Date.now() - started < 3_500, `answered within the readiness bound (${Date.now() - started} ms)`)
    t.equal((await fetch(`${gw.url}/health`)).status, 200, 'while /health still says the process is alive')
  }
})
