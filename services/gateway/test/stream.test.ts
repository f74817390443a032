/**
 * text/event-stream through the gateway: each event reaches the client before the service
 * sends the next (no buffering), gaps far longer than every ordinary timeout do not end the
 * stream, a client that hangs up closes the service's side, and a service that goes silent
 * for longer than the idle timeout is let go. A service failing mid-stream, or the gateway
 * shutting down, ends the client's stream cleanly and closes the service's side; what the
 * service answers instead of a stream (a 401) passes through as it is.
 */
import type http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { recordingUpstream, startGateway } from './helper.js'

/** Short ordinary timeouts on both sides of the gateway: a stream must outlive all of them. */
const SHORT = 300

async function streamingUpstream(t: Test, status = 200) {
  let response: http.ServerResponse | undefined
  let sent = 0
  let closed: () => void = () => {}
  const upstreamClosed = new Promise<void>((resolve) => {
    closed = resolve
  })
  const upstream = await recordingUpstream(t, 'messaging-service', (req, res) => {
    if (req.method !== 'GET') {
      // POST /api/stream/ticket and the like: an ordinary answer.
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      res.end('{}')
      return
    }
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
      res.end(
        JSON.stringify({
          statusCode: status,
          error: 'Unauthorized',
          message: 'no',
          errors: ['unauthorized'],
        }),
      )
      return
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    })
    res.flushHeaders()
    res.write(': connected\n\n')
    response = res
    req.socket.on('close', () => closed())
  })
  return {
    upstream,
    upstreamClosed,
    get sent() {
      return sent
    },
    send(event: string) {
      if (!response) throw new Error('no stream open')
      sent++
      response.write(event)
    },
    /** The service ending the stream itself (e.g. its own shutdown, after a retry hint). */
    end() {
      response?.end()
    },
    /** The service's process dying mid-stream: its socket goes without a proper end. */
    die() {
      response?.socket?.destroy()
    },
  }
}

/** Reads the stream until `text` has arrived (or fails after `ms`). */
function reader(body: ReadableStream<Uint8Array>) {
  const r = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  return {
    get buffer() {
      return buffer
    },
    async until(text: string, ms = 3_000) {
      const deadline = Date.now() + ms
      while (!buffer.includes(text)) {
        const left = deadline - Date.now()
        if (left <= 0)
          throw new Error(`"${text}" did not arrive within ${ms} ms; got ${JSON.stringify(buffer)}`)
        const next = await Promise.race([r.read(), sleep(left).then(() => 'timeout' as const)])
        if (next === 'timeout') continue
        if (next.done) throw new Error(`stream ended before "${text}"; got ${JSON.stringify(buffer)}`)
        buffer += decoder.decode(next.value, { stream: true })
      }
    },
    /** How the stream ends within `ms`: 'end' (complete response), 'error' (cut), or 'open'. */
    async ending(ms: number): Promise<'end' | 'error' | 'open'> {
      const deadline = Date.now() + ms
      for (;;) {
        const left = deadline - Date.now()
        if (left <= 0) return 'open'
        const next = await Promise.race([r.read(), sleep(left).then(() => 'timeout' as const)]).catch(
          () => 'error' as const,
        )
        if (next === 'timeout') return 'open'
        if (next === 'error') return 'error'
        if (next.done) return 'end'
        buffer += decoder.decode(next.value, { stream: true })
      }
    },
    /** Resolves true when the stream ends (or errors) within `ms`. */
    async ends(ms: number) {
      const deadline = Date.now() + ms
      while (Date.now() < deadline) {
        const next = await Promise.race([
          r.read(),
          sleep(deadline - Date.now()).then(() => 'timeout' as const),
        ]).catch(() => ({ done: true as const }))
        if (next === 'timeout') return false
        if (next.done) return true
      }
      return false
    },
    cancel: () => r.cancel(),
  }
}

/** A gateway in front of a streaming messaging-service (answering `status`) and a user-service. */
async function streamThroughGateway(
  t: Test,
  status = 200,
  options: Omit<Parameters<typeof startGateway>[1], 'userServiceUrl' | 'messagingServiceUrl'> = {},
) {
  const sse = await streamingUpstream(t, status)
  const users = await recordingUpstream(t, 'user-service')
  const gw = await startGateway(t, {
    userServiceUrl: users.url,
    messagingServiceUrl: sse.upstream.url,
    ...options,
  })
  return { sse, gw }
}

/** A stream opened through the gateway, its first comment (`: connected`) already read. */
async function connectedStream(t: Test) {
  const { sse, gw } = await streamThroughGateway(t)
  const res = await fetch(`${gw.url}/api/stream`)
  const events = reader(res.body as ReadableStream<Uint8Array>)
  await events.until(': connected')
  return { sse, gw, res, events }
}

t.test('events pass one at a time, across gaps longer than every ordinary timeout', async (t) => {
  const { sse, gw } = await streamThroughGateway(t, 200, {
    timeouts: { responseMs: SHORT, connectMs: SHORT, streamIdleMs: 10_000 },
    fastify: { connectionTimeout: SHORT, keepAliveTimeout: SHORT },
  })
  const abort = new AbortController()
  const res = await fetch(`${gw.url}/api/stream?ticket=tkt-1`, {
    headers: { authorization: 'Bearer abc', 'last-event-id': '41' },
    signal: abort.signal,
  })
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'text/event-stream')
  t.equal(res.headers.get('cache-control'), 'no-cache')
  t.equal(sse.upstream.received[0]?.url, '/api/stream?ticket=tkt-1')
  t.equal(sse.upstream.received[0]?.headers['last-event-id'], '41', 'the resume point reaches the service')
  const events = reader(res.body as ReadableStream<Uint8Array>)
  await events.until(': connected')
  const started = Date.now()
  for (let i = 1; i <= 4; i++) {
    if (i > 1) await sleep(SHORT * 2.5)
    sse.send(`id: ${i}\nevent: message\ndata: {"n":${i}}\n\n`)
    await events.until(`data: {"n":${i}}`)
    t.equal(sse.sent, i, `event ${i} arrived while the service had sent ${i} (the next is not sent yet)`)
  }
  t.ok(Date.now() - started > SHORT * 6, 'the stream outlived the ordinary timeouts several times over')
  sse.send(': ping\n\n')
  await events.until(': ping')

  abort.abort()
  const closedInTime = await Promise.race([
    sse.upstreamClosed.then(() => true),
    sleep(3_000).then(() => false),
  ])
  t.ok(closedInTime, 'the client hanging up closed the service’s side of the stream')
})

t.test('a service silent for longer than the stream idle timeout is let go', async (t) => {
  const { sse, gw } = await streamThroughGateway(t, 200, { timeouts: { streamIdleMs: 800 } })
  const res = await fetch(`${gw.url}/api/stream`)
  const events = reader(res.body as ReadableStream<Uint8Array>)
  await events.until(': connected')
  t.ok(await events.ends(5_000), 'the client’s stream ends, so it can reconnect')
  const closedInTime = await Promise.race([
    sse.upstreamClosed.then(() => true),
    sleep(3_000).then(() => false),
  ])
  t.ok(closedInTime, 'and the service’s side is closed')
})

const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), sleep(ms).then(() => false)])

t.test('request id, resume point and encoding reach the service; the id comes back', async (t) => {
  const { sse, gw } = await streamThroughGateway(t)
  for (const [sent, kept] of [
    ['trace-42.a_b', true],
    ['not ok/../x', false],
  ] as const) {
    const abort = new AbortController()
    const res = await fetch(`${gw.url}/api/stream?ticket=t1&last_event_id=abc-1`, {
      headers: { 'x-request-id': sent, 'accept-encoding': 'gzip, br' },
      signal: abort.signal,
    })
    const got = sse.upstream.received.at(-1)
    const id = res.headers.get('x-request-id')
    t.equal(got?.url, '/api/stream?ticket=t1&last_event_id=abc-1', 'ticket and last_event_id as sent')
    t.equal(got?.headers['x-request-id'], id, 'the service gets the id the client gets back')
    if (kept) t.equal(id, sent, `${sent}: a well-formed id is kept`)
    else t.not(id, sent, `${sent}: a malformed id is replaced`)
    t.equal(got?.headers['accept-encoding'], 'identity', 'the stream is asked for uncompressed')
    t.equal(res.headers.get('content-encoding'), null, 'and reaches the client uncompressed')
    await reader(res.body as ReadableStream<Uint8Array>).until(': connected')
    abort.abort()
  }
  const ordinary = await fetch(`${gw.url}/api/stream/ticket`, {
    method: 'POST',
    headers: { 'accept-encoding': 'gzip' },
    body: '{}',
  })
  await ordinary.text()
  t.equal(sse.upstream.received.at(-1)?.headers['accept-encoding'], 'gzip', 'other routes keep the client’s')
})

t.test('a service that ends the stream: the client’s ends too, after every event', async (t) => {
  const { sse, events } = await connectedStream(t)
  sse.send('retry: 1000\n\n')
  sse.end()
  t.equal(await events.ending(3_000), 'end')
  t.match(events.buffer, /retry: 1000\n\n$/, 'the service’s last words arrive')
})

t.test('a service that dies mid-stream: the client gets what was sent, then a clean end', async (t) => {
  const { sse, gw, events } = await connectedStream(t)
  sse.send('id: 7\nevent: message\ndata: {"n":7}\n\n')
  await events.until('data: {"n":7}')
  sse.die()
  t.equal(await events.ending(3_000), 'end', 'a complete response, so the client simply reconnects')
  t.match(events.buffer, /id: 7\nevent: message\ndata: \{"n":7\}\n\n$/, 'nothing added, nothing lost')
  const health = await fetch(`${gw.url}/health`)
  t.equal(health.status, 200, 'the gateway carries on')
})

t.test('shutting the gateway down ends open streams at once and closes their service side', async (t) => {
  const { sse, gw } = await streamThroughGateway(t)
  const clients = await Promise.all(
    [1, 2, 3].map(async () => {
      const res = await fetch(`${gw.url}/api/stream`)
      const events = reader(res.body as ReadableStream<Uint8Array>)
      await events.until(': connected')
      return events
    }),
  )
  const started = Date.now()
  const closed = gw.app.close()
  const endings = await Promise.all(clients.map((c) => c.ending(3_000)))
  t.same(endings, ['end', 'end', 'end'], 'every client sees its stream end cleanly')
  t.ok(await within(closed, 3_000), 'and close() completes instead of waiting for the streams')
  t.ok(Date.now() - started < 3_000, `within ${Date.now() - started} ms`)
  t.ok(await within(sse.upstreamClosed, 3_000), 'the service’s side is closed')
})

t.test('what the service answers instead of a stream passes through unchanged', async (t) => {
  const { gw } = await streamThroughGateway(t, 401)
  const res = await fetch(`${gw.url}/api/stream?ticket=spent`)
  t.equal(res.status, 401)
  t.match(res.headers.get('content-type'), /^application\/json/)
  t.same(await res.json(), {
    statusCode: 401,
    error: 'Unauthorized',
    message: 'no',
    errors: ['unauthorized'],
  })
})
