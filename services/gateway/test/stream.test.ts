/**
 * text/event-stream through the gateway: each event reaches the client before the service
 * sends the next (no buffering), gaps far longer than every ordinary timeout do not end the
 * stream, a client that hangs up closes the service's side, and a service that goes silent
 * for longer than the idle timeout is let go.
 */
import type http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { recordingUpstream, startGateway } from './helper.js'

/** Short ordinary timeouts on both sides of the gateway: a stream must outlive all of them. */
const SHORT = 300

async function streamingUpstream(t: Test) {
  let response: http.ServerResponse | undefined
  let sent = 0
  let closed: () => void = () => {}
  const upstreamClosed = new Promise<void>((resolve) => {
    closed = resolve
  })
  const upstream = await recordingUpstream(t, 'messaging-service', (req, res) => {
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

t.test('events pass one at a time, across gaps longer than every ordinary timeout', async (t) => {
  const sse = await streamingUpstream(t)
  const users = await recordingUpstream(t, 'user-service')
  const gw = await startGateway(t, {
    userServiceUrl: users.url,
    messagingServiceUrl: sse.upstream.url,
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
  const sse = await streamingUpstream(t)
  const users = await recordingUpstream(t, 'user-service')
  const gw = await startGateway(t, {
    userServiceUrl: users.url,
    messagingServiceUrl: sse.upstream.url,
    timeouts: { streamIdleMs: 800 },
  })
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
