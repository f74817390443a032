/**
 * Scenario 7: what the gateway costs. The same request, GET /api/messages/:uuid (20 messages,
 * token check, user lookup, membership, Query), sent straight to the messaging-service and
 * through the gateway, at the same concurrency, interleaved ABBA in one run so drift on a
 * shared machine hits both alike. Reported: req/s gateway ÷ direct, and the latency the extra
 * hop adds per request (gateway − direct, at p50 and p99).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { demoAccessToken } from '@cruddur/local-stack'
import type { Harness } from '../harness.js'
import { httpLoad, type LoadRun, mergeRuns } from '../load.js'
import { type LoadSummary, ratio, round } from '../stats.js'

type Merged = LoadSummary & { sent: number; statuses: Record<string, number> }

export interface GatewayPair {
  concurrency: number
  direct: Merged
  gateway: Merged
  /** gateway ÷ direct */
  rpsRatio: number | null
  /** gateway − direct, in ms */
  addedP50Ms: number
  addedP99Ms: number
}

const TEXT = 'Benchmark message: how much does one more hop cost?'

export async function measureGatewayOverhead(
  h: Harness,
  options: { levels: number[]; durationS: number; warmupS: number; print: (line: string) => void },
): Promise<GatewayPair[]> {
  const { facts } = h
  const { print } = options
  const gatewayUrl = h.gateway?.url
  if (!gatewayUrl) throw new Error('scenario 7 needs the gateway (startHarness with gateway: true)')
  const [sender, other] = facts.demoUsers
  if (!sender || !other) throw new Error('scenario 7 needs two demo users')
  const auth = { authorization: `Bearer ${await demoAccessToken(facts, sender)}` }
  const post = async (body: Record<string, string>) => {
    const res = await fetch(`${facts.messagingService.url}/api/messages`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`POST /api/messages: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()) as { message_group_uuid: string }
  }
  const conversation = (await post({ handle: other, message: TEXT })).message_group_uuid
  for (let i = 0; i < 20; i++) await post({ message_group_uuid: conversation, message: `${TEXT} ${i}` })
  const path = `/api/messages/${conversation}`
  for (const base of [facts.messagingService.url, gatewayUrl]) {
    const res = await fetch(`${base}${path}`, { headers: auth })
    if (res.status !== 200) throw new Error(`GET ${base}${path}: HTTP ${res.status}`)
    await res.arrayBuffer()
  }

  const run = (base: string, level: number, durationS: number) =>
    httpLoad({ url: `${base}${path}`, headers: auth, concurrency: level, durationS })
  const pairs: GatewayPair[] = []
  print('scenario 7: GET /api/messages/:uuid through the gateway vs. straight to the messaging-service')
  for (const level of options.levels) {
    await run(facts.messagingService.url, level, options.warmupS)
    await run(gatewayUrl, level, options.warmupS)
    const runs = { direct: [] as LoadRun[], gateway: [] as LoadRun[] }
    for (const which of ['direct', 'gateway', 'gateway', 'direct'] as const) {
      await sleep(300) // let the previous run's connections close
      runs[which].push(
        await run(which === 'direct' ? facts.messagingService.url : gatewayUrl, level, options.durationS / 2),
      )
    }
    const direct = mergeRuns(runs.direct)
    const gateway = mergeRuns(runs.gateway)
    const pair: GatewayPair = {
      concurrency: level,
      direct,
      gateway,
      rpsRatio: ratio(gateway.rps, direct.rps),
      addedP50Ms: round(gateway.p50Ms - direct.p50Ms, 2),
      addedP99Ms: round(gateway.p99Ms - direct.p99Ms, 2),
    }
    print(
      `  c=${level}: gateway ${gateway.rps} req/s p50 ${gateway.p50Ms} ms p99 ${gateway.p99Ms} ms (errors ${gateway.errors})` +
        ` | direct ${direct.rps} req/s p50 ${direct.p50Ms} ms p99 ${direct.p99Ms} ms (errors ${direct.errors})` +
        ` | added p50 ${pair.addedP50Ms} ms, p99 ${pair.addedP99Ms} ms`,
    )
    pairs.push(pair)
  }
  return pairs
}
