/**
 * Scenario 9: the realtime stream (GET /api/stream).
 * 1. Delivery latency, send's 200 → the recipient's `message` event, at fixed open-loop rates,
 *    (a) on the harness's instance (in-process bus), (b) sends to instance A, the recipient's
 *    stream on instance B, both on one Redis. Several sender/recipient pairs; missed and
 *    duplicate events counted.
 * 2. Memory per idle stream: an instance's RSS and heap (after a full GC) before and after
 *    opening N idle streams spread over a few dozen users.
 * 3. The send path's req/s with M idle streams open vs none (closed loop, none/with/with/none).
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Harness } from '../harness.js'
import { type DeliveryResult, matchDeliveries, openFilesLimit, openLoopSchedule } from '../realtime-stats.js'
import { round } from '../stats.js'
import { closeAll, openBenchStream, openMany } from '../stream-client.js'
import {
  type MemoryResult,
  measureMemory,
  measureSendLoad,
  type SendLoadResult,
} from './realtime-capacity.js'
import {
  type BenchUser,
  createUsers,
  type Pair,
  type RealtimeOptions,
  startBenchRedis,
  startInstance,
  TEXT,
} from './realtime-setup.js'

export type { RealtimeOptions } from './realtime-setup.js'

export interface DeliveryRow extends DeliveryResult {
  setup: string
  rate: number
  /** Sends answered per second over the run (below `rate` when the service cannot keep up). */
  achievedRate: number
  sendErrors: number
  /** Request issued → event (always ≥ 0): the figure a user sees, including the send itself. */
  fromRequestP50Ms: number
  fromRequestP99Ms: number
  /** How late the open-loop scheduler fired its worst send (the client's own lag). */
  maxScheduleLagMs: number
}

export interface RealtimeResult {
  delivery: DeliveryRow[]
  memory: MemoryResult
  sendLoad: SendLoadResult
}

async function post(url: string, token: string, body: Record<string, string>) {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status !== 200) throw new Error(`POST /api/messages answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as { uuid: string; message_group_uuid: string }
}

/**
 * Sends at `rate`/s for `durationS` (open loop, round-robin over the pairs) to `sendUrl` while
 * the recipients' streams collect into `sink`; waits until every answered send was delivered
 * (or 5 s passed), then matches.
 */
async function deliveryRun(
  sendUrl: string,
  pairs: Pair[],
  sink: { uuid: string; at: number }[],
  rate: number,
  durationS: number,
): Promise<Omit<DeliveryRow, 'setup'>> {
  sink.length = 0
  const sends = new Map<string, number>()
  const started = new Map<string, number>()
  let sendErrors = 0
  let maxLag = 0
  const schedule = openLoopSchedule(rate, durationS)
  const inflight: Promise<void>[] = []
  const t0 = performance.now()
  for (let i = 0; i < schedule.length; ) {
    const now = performance.now() - t0
    for (; i < schedule.length && (schedule[i] as number) <= now; i++) {
      maxLag = Math.max(maxLag, now - (schedule[i] as number))
      const pair = pairs[i % pairs.length] as Pair
      const startedAt = performance.now()
      inflight.push(
        fetch(`${sendUrl}/api/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${pair.sender.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ message_group_uuid: pair.conversation, message: `${TEXT} ${i}` }),
        }).then(
          async (res) => {
            const answeredAt = performance.now()
            if (res.status !== 200) {
              sendErrors++
              await res.arrayBuffer()
              return
            }
            const { uuid } = (await res.json()) as { uuid: string }
            sends.set(uuid, answeredAt)
            started.set(uuid, startedAt)
          },
          () => {
            sendErrors++
          },
        ),
      )
    }
    const due = schedule[i]
    if (due !== undefined) await sleep(Math.max(0, due - (performance.now() - t0)))
  }
  await Promise.all(inflight)
  const elapsedS = (performance.now() - t0) / 1000
  const deadline = performance.now() + 5_000
  while (performance.now() < deadline) {
    const seen = new Set(sink.map((e) => e.uuid))
    if ([...sends.keys()].every((u) => seen.has(u))) break
    await sleep(50)
  }
  await sleep(200) // a duplicate would come right behind the first copy
  const fromRequest = matchDeliveries(started, [...sink])
  return {
    ...matchDeliveries(sends, [...sink]),
    fromRequestP50Ms: fromRequest.p50Ms,
    fromRequestP99Ms: fromRequest.p99Ms,
    rate,
    achievedRate: round(schedule.length / elapsedS, 1),
    sendErrors,
    maxScheduleLagMs: round(maxLag, 1),
  }
}

async function deliveries(
  setup: string,
  sendUrl: string,
  streamUrl: string,
  pairs: Pair[],
  o: RealtimeOptions,
): Promise<DeliveryRow[]> {
  const sink: { uuid: string; at: number }[] = []
  const streams = await openMany(pairs.length, 16, (i) =>
    openBenchStream(streamUrl, (pairs[i] as Pair).recipient.token, (block, at) => {
      if (block.event === 'message' && block.data)
        sink.push({ uuid: (JSON.parse(block.data) as { uuid: string }).uuid, at })
    }),
  )
  const rows: DeliveryRow[] = []
  try {
    for (const rate of o.rates) {
      if (o.warmupS > 0) await deliveryRun(sendUrl, pairs, sink, rate, o.warmupS)
      const row = { setup, ...(await deliveryRun(sendUrl, pairs, sink, rate, o.deliveryS)) }
      o.print(
        `  ${setup} @ ${rate}/s: 200 → event p50 ${row.p50Ms} ms p99 ${row.p99Ms} ms (min ${row.minMs}, ${row.negative} negative), ` +
          `request → event p50 ${row.fromRequestP50Ms} p99 ${row.fromRequestP99Ms} ms, ` +
          `${row.sends} sends, missed ${row.missed}, duplicates ${row.duplicates}, send errors ${row.sendErrors}`,
      )
      rows.push(row)
    }
  } finally {
    await closeAll(streams)
  }
  return rows
}

export async function measureRealtime(h: Harness, o: RealtimeOptions): Promise<RealtimeResult> {
  if (!h.messagingService) throw new Error('scenario 9 needs the harness with its services')
  const { facts } = h
  const { print } = o
  // Each stream is a socket in this process (the server's side is in the service's): say so
  // up front rather than fail with EMFILE after a minute.
  const limit = openFilesLimit(readFileSync('/proc/self/limits', 'utf8'))
  const needed = Math.max(o.memoryStreams, o.loadStreams) + 256
  if (limit !== null && limit < needed)
    throw new Error(
      `scenario 9 opens ${needed - 256} streams but this process may open only ${limit} files: ` +
        `raise it (ulimit -n ${needed}) or lower BENCH_RT_MEMORY_STREAMS`,
    )
  print(`scenario 9: the stream — ${o.pairs} sender/recipient pairs and ${o.idleUsers} idle users`)
  const [senders, recipients, idle] = [
    await createUsers(facts, 'rts', o.pairs),
    await createUsers(facts, 'rtr', o.pairs),
    await createUsers(facts, 'rti', o.idleUsers),
  ]
  const pairs: Pair[] = []
  for (const [i, sender] of senders.entries()) {
    const recipient = recipients[i] as BenchUser
    const { message_group_uuid } = await post(facts.messagingService.url, sender.token, {
      handle: recipient.handle,
      message: TEXT,
    })
    pairs.push({ sender, recipient, conversation: message_group_uuid })
  }
  const delivery: DeliveryRow[] = []
  print('  delivery latency, one instance (in-process bus)')
  delivery.push(
    ...(await deliveries('1 instance', facts.messagingService.url, facts.messagingService.url, pairs, o)),
  )

  print('  starting Redis and two messaging-service instances on it…')
  const redis = await startBenchRedis()
  const started: { stop(): Promise<void> }[] = [redis]
  let memory: MemoryResult
  try {
    const env = { REDIS_URL: redis.url }
    const a = await startInstance(o.root, facts, print, { env })
    started.push(a)
    const b = await startInstance(o.root, facts, print, { env, probe: true })
    started.push(b)
    print('  delivery latency, sends to A, streams on B (Redis pub/sub)')
    delivery.push(...(await deliveries('2 instances + Redis', a.url, b.url, pairs, o)))
    memory = await measureMemory(b, idle, o)
  } finally {
    for (const s of started.reverse()) await s.stop().catch(() => {})
  }
  const sendLoad = await measureSendLoad(facts.messagingService.url, pairs, idle, o)
  return { delivery, memory, sendLoad }
}
