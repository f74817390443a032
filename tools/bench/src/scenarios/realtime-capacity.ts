/**
 * Scenario 9, parts 2 and 3: what idle streams cost an instance (memory per stream) and the
 * send path (req/s with streams open vs none).
 */
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { httpLoad, type LoadRun, mergeRuns } from '../load.js'
import { perStreamKiB } from '../realtime-stats.js'
import { ratio, round } from '../stats.js'
import { type BenchStream, closeAll, openBenchStream, openMany } from '../stream-client.js'
import type { RealtimeOptions } from './realtime-setup.js'
import { type BenchUser, type Instance, type Pair, TEXT } from './realtime-setup.js'

export interface MemoryResult {
  streams: number
  users: number
  openS: number
  before: { rssKiB: number; heapUsedKiB: number }
  after: { rssKiB: number; heapUsedKiB: number }
  closed: { rssKiB: number; heapUsedKiB: number }
  rssKiBPerStream: number | null
  heapKiBPerStream: number | null
  gcForced: boolean
}

export interface SendLoadResult {
  concurrency: number
  streams: number
  none: ReturnType<typeof mergeRuns>
  with: ReturnType<typeof mergeRuns>
  /** with ÷ none */
  rpsRatio: number | null
}

const kib = (bytes: number) => Math.round(bytes / 1024)

export async function measureMemory(
  instance: Instance,
  users: BenchUser[],
  o: RealtimeOptions,
): Promise<MemoryResult> {
  o.print(`  memory: opening ${o.memoryStreams} idle streams over ${users.length} users on instance B…`)
  const snap = async () => {
    const m = await instance.memory()
    return { rssKiB: kib(m.rss), heapUsedKiB: kib(m.heapUsed), collected: m.collected }
  }
  await sleep(500)
  const before = await snap()
  const t0 = performance.now()
  const streams = await openMany(o.memoryStreams, 50, (i) =>
    openBenchStream(instance.url, (users[i % users.length] as BenchUser).token),
  )
  const openS = round((performance.now() - t0) / 1000, 1)
  await sleep(1_000)
  const after = await snap()
  await closeAll(streams)
  await sleep(1_000)
  const closed = await snap()
  const result: MemoryResult = {
    streams: streams.length,
    users: users.length,
    openS,
    before: { rssKiB: before.rssKiB, heapUsedKiB: before.heapUsedKiB },
    after: { rssKiB: after.rssKiB, heapUsedKiB: after.heapUsedKiB },
    closed: { rssKiB: closed.rssKiB, heapUsedKiB: closed.heapUsedKiB },
    rssKiBPerStream: perStreamKiB(before.rssKiB, after.rssKiB, streams.length),
    heapKiBPerStream: perStreamKiB(before.heapUsedKiB, after.heapUsedKiB, streams.length),
    gcForced: before.collected,
  }
  o.print(
    `  ${streams.length} streams open in ${openS} s: RSS ${before.rssKiB} → ${after.rssKiB} KiB ` +
      `(${result.rssKiBPerStream} KiB/stream), heap ${before.heapUsedKiB} → ${after.heapUsedKiB} KiB ` +
      `(${result.heapKiBPerStream} KiB/stream); after closing RSS ${closed.rssKiB} KiB`,
  )
  return result
}

export async function measureSendLoad(
  url: string,
  pairs: Pair[],
  users: BenchUser[],
  o: RealtimeOptions,
): Promise<SendLoadResult> {
  o.print(
    `  send path c=${o.loadConcurrency}: none / ${o.loadStreams} idle streams / ${o.loadStreams} / none, ${o.loadS / 2} s each`,
  )
  let n = 0
  const run = (durationS: number) =>
    httpLoad({
      url: `${url}/api/messages`,
      method: 'POST',
      concurrency: o.loadConcurrency,
      durationS,
      requests: [
        {
          setupRequest: (req) => {
            const pair = pairs[n++ % pairs.length] as Pair
            return {
              ...req,
              headers: { authorization: `Bearer ${pair.sender.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ message_group_uuid: pair.conversation, message: TEXT }),
            }
          },
        },
      ],
    })
  const half = o.loadS / 2
  if (o.warmupS > 0) await run(o.warmupS)
  const none: LoadRun[] = [await run(half)]
  let streams: BenchStream[] = []
  const withStreams: LoadRun[] = []
  try {
    streams = await openMany(o.loadStreams, 50, (i) =>
      openBenchStream(url, (users[i % users.length] as BenchUser).token),
    )
    await sleep(500)
    withStreams.push(await run(half), await run(half))
  } finally {
    await closeAll(streams)
  }
  await sleep(500)
  none.push(await run(half))
  const result: SendLoadResult = {
    concurrency: o.loadConcurrency,
    streams: streams.length,
    none: mergeRuns(none),
    with: mergeRuns(withStreams),
    rpsRatio: null,
  }
  result.rpsRatio = ratio(result.with.rps, result.none.rps)
  o.print(
    `  no streams ${result.none.rps} req/s (p99 ${result.none.p99Ms} ms), with ${result.streams}: ` +
      `${result.with.rps} req/s (p99 ${result.with.p99Ms} ms), ratio ${result.rpsRatio}`,
  )
  return result
}
