/**
 * Scenarios 1, 2 and 6: the full messaging-service path vs. the raw DynamoDB calls its patterns
 * make, on the same DynamoDB Local (both through the counting proxy), at the same concurrency.
 * 1: GET /api/messages/:uuid (20 messages; token check, user lookup, membership, Query)
 *    vs. pattern A's Query.
 * 2: POST /api/messages into existing conversations vs. pattern C's TransactWriteItems; the
 *    DynamoDB requests per send are counted at the engine (proxy), not assumed.
 * 6: peak RSS (VmHWM) of each service process over 1–2.
 * Sends are spread round-robin over 64 conversations of one sender, so concurrency measures
 * the service rather than 64 writers fighting over one conversation's entries.
 */
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { createDocumentClient, createDynamoClient } from '@cruddur/dynamodb'
import { demoAccessToken, type StackFacts } from '@cruddur/local-stack'
import { listMessages, newMessage, type Person, sendMessage } from '@cruddur/messaging-service/conversations'
import type { Harness } from '../harness.js'
import { memoryOf } from '../harness.js'
import { leanRead, leanSender } from '../lean-calls.js'
import { callLoad, httpLoad, type LoadRun, mergeRuns } from '../load.js'
import { type LoadSummary, ratio, round } from '../stats.js'

type Merged = LoadSummary & { sent: number; statuses: Record<string, number> }

/** The three paths measured side by side: the lean call, the pattern's function, the service. */
type Path = 'lean' | 'raw' | 'service'
const PATHS: readonly Path[] = ['lean', 'raw', 'service']

export interface LoadPair {
  concurrency: number
  service: Merged
  /** The pattern's own function: DocumentClient, unmarshalling, ReturnConsumedCapacity. */
  raw: Merged
  /** The leanest call returning the same: low-level client, no unmarshalling, no ReturnConsumedCapacity. */
  lean: Merged
  /** service ÷ raw */
  rpsRatio: number | null
  p50Ratio: number | null
  p99Ratio: number | null
  /** service ÷ lean */
  leanRpsRatio: number | null
  leanP99Ratio: number | null
  /** What the service adds to the lean call's median: service p50 − lean p50 (ms). */
  addedP50Ms: number
  /** DynamoDB requests per request started, counted at the engine (retries under load show here). */
  ddbRequestsPerRequest: number | null
  ddbRequestsByOperation: Record<string, number>
  /** The same for the raw path: requests per pattern call. */
  rawDdbRequestsPerCall: number | null
  /** Calls the messaging-service made to the user-service per request started (its cache at work). */
  userServiceRequestsPerRequest: number | null
}

/** DynamoDB requests of one request made alone (sequentially, N times), by operation. */
export interface ExactCount {
  requests: number
  perRequest: number
  byOperation: Record<string, number>
  /** Calls to the user-service per request, by route. */
  userServicePerRequest: number | null
  userServiceByOperation: Record<string, number>
}

export interface ServiceLoadResult {
  read: LoadPair[]
  send: LoadPair[]
  exact: { read: ExactCount; send: ExactCount }
  memory: Record<string, ServiceMemory | null>
  peakResetWorked: boolean
}

/** RSS of a service process over the load (MiB): before it, its peak, and after it once settled. */
export interface ServiceMemory {
  startRssMiB: number
  peakMiB: number
  /** Right when the load stopped. */
  rssMiB: number
  /** After the load and a few idle seconds (timers, sockets and the GC had their chance). */
  settledRssMiB: number
  /**
   * After half a minute idle: whether V8 gives back the heap it grew under load. Measured with a
   * forced full GC every 4 s, the live heap stays at 26–30 MiB over the whole load; what RSS
   * holds beyond that is heap V8 grew for the allocation rate and keeps, not live objects.
   */
  idleRssMiB: number
}

/** How long the services sit idle after the load before their RSS is read again, and again. */
const SETTLE_MS = 5_000
const IDLE_MS = 30_000

const TEXT = 'Benchmark message: how long does it take to get this through the whole service?'

async function json<T>(res: Response, what: string): Promise<T> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** Registers a user in the directory the way Cognito's post-confirmation trigger does. */
async function registerUser(facts: StackFacts, handle: string): Promise<void> {
  const event = {
    version: '1',
    region: facts.region,
    userPoolId: facts.cognito.userPoolId,
    userName: handle,
    callerContext: { awsSdkVersion: 'bench', clientId: facts.cognito.clientId },
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    request: {
      userAttributes: {
        sub: randomUUID(),
        'cognito:user_status': 'CONFIRMED',
        email_verified: 'true',
        email: `${handle}@example.com`,
        name: `Bench ${handle}`,
        preferred_username: handle,
      },
    },
    response: {},
  }
  const res = await fetch(`${facts.userService.url}/internal/cognito/post-confirmation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-internal-token': facts.internalToken },
    body: JSON.stringify(event),
  })
  await json(res, `post-confirmation of ${handle}`)
}

/** Resets a process's peak RSS (Linux: writing 5 to clear_refs); false when not allowed. */
function resetPeak(pid: number | undefined): boolean {
  if (pid === undefined) return false
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

export async function measureServiceLoad(
  h: Harness,
  options: { levels: number[]; durationS: number; warmupS: number; print: (line: string) => void },
): Promise<ServiceLoadResult> {
  const { facts, proxy } = h
  const usProxy = h.userServiceProxy
  const { print } = options
  const sender = facts.demoUsers[0] ?? 'andrewbrown'
  const token = await demoAccessToken(facts, sender)
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const me = await json<Person>(
    await fetch(`${facts.userService.url}/api/users/@${sender}/short`),
    `the uuid of @${sender}`,
  )
  const post = async (body: Record<string, string>) =>
    json<{ message_group_uuid: string }>(
      await fetch(`${facts.messagingService.url}/api/messages`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      }),
      'POST /api/messages',
    )

  // 64 conversations of the sender, the first with 20+ messages.
  const suffix = randomUUID().slice(0, 6)
  const conversations: string[] = []
  for (let i = 0; i < 64; i++) {
    const handle = `bench${suffix}x${i}`
    await registerUser(facts, handle)
    conversations.push((await post({ handle, message: TEXT })).message_group_uuid)
  }
  const readConversation = conversations[0] as string
  for (let i = 0; i < 20; i++) await post({ message_group_uuid: readConversation, message: `${TEXT} ${i}` })

  const client = createDynamoClient({ region: facts.region, endpoint: facts.dynamodb.endpoint })
  const doc = createDocumentClient(client)
  const table = facts.dynamodb.table

  const pids = {
    'user-service': h.userService?.child.pid,
    'messaging-service': h.messagingService?.child.pid,
  }
  const startRss = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, memoryOf(pid)?.rssMiB ?? 0]))
  const peakResetWorked = Object.values(pids).every(resetPeak)

  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)
  const byOperation = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).map(([op, n]) => [op.replace('DynamoDB_20120810.', ''), n]))
  const addCounts = (into: Record<string, number>, counts: Record<string, number>) => {
    for (const [op, n] of Object.entries(counts)) into[op] = (into[op] ?? 0) + n
  }

  /** Exactly how many DynamoDB requests one request causes: N requests one after another. */
  const exactCount = async (request: () => Promise<unknown>, n = 20): Promise<ExactCount> => {
    await proxy.reset()
    await usProxy?.reset()
    for (let i = 0; i < n; i++) await request()
    const counts = await proxy.counts()
    const us = (await usProxy?.counts()) ?? {}
    return {
      requests: n,
      perRequest: round(total(counts) / n, 2),
      byOperation: byOperation(counts),
      userServicePerRequest: usProxy ? round(total(us) / n, 2) : null,
      userServiceByOperation: us,
    }
  }

  type Run = (level: number, durationS: number) => Promise<LoadRun>
  /** `compare` at every concurrency level of the options, in order. */
  const compareLevels = async (runs: Record<Path, Run>): Promise<LoadPair[]> => {
    const pairs: LoadPair[] = []
    for (const level of options.levels) pairs.push(await compare(level, runs))
    return pairs
  }
  /**
   * Warm-up of every path, then lean, pattern, service, service, pattern, lean with half the
   * duration each, so drift on a shared machine hits all three alike; the halves are merged.
   */
  const compare = async (level: number, run: Record<Path, Run>): Promise<LoadPair> => {
    const half = options.durationS / 2
    for (const path of PATHS) await run[path](level, options.warmupS)
    const runs: Record<Path, LoadRun[]> = { lean: [], raw: [], service: [] }
    const counts: Record<Path, Record<string, number>> = { lean: {}, raw: {}, service: {} }
    const usCounts: Record<string, number> = {}
    for (const path of [...PATHS, ...[...PATHS].reverse()]) {
      await sleep(path === 'service' ? 200 : 1_000) // let a service run's in-flight requests drain
      await proxy.reset()
      await usProxy?.reset()
      runs[path].push(await run[path](level, half))
      if (path === 'service') await sleep(1_000)
      addCounts(counts[path], await proxy.counts())
      if (path === 'service') addCounts(usCounts, (await usProxy?.counts()) ?? {})
    }
    const [lean, raw, service] = PATHS.map((path) => mergeRuns(runs[path])) as [Merged, Merged, Merged]
    const perCall = (path: Path, m: Merged) => (m.sent ? round(total(counts[path]) / m.sent, 2) : null)
    const pair: LoadPair = {
      concurrency: level,
      service,
      raw,
      lean,
      rpsRatio: ratio(service.rps, raw.rps),
      p50Ratio: ratio(service.p50Ms, raw.p50Ms),
      p99Ratio: ratio(service.p99Ms, raw.p99Ms),
      leanRpsRatio: ratio(service.rps, lean.rps),
      leanP99Ratio: ratio(service.p99Ms, lean.p99Ms),
      addedP50Ms: round(service.p50Ms - lean.p50Ms, 2),
      ddbRequestsPerRequest: perCall('service', service),
      ddbRequestsByOperation: byOperation(counts.service),
      rawDdbRequestsPerCall: perCall('raw', raw),
      userServiceRequestsPerRequest:
        usProxy && service.sent ? round(total(usCounts) / service.sent, 4) : null,
    }
    const show = (m: Merged) => `${m.rps} req/s p50 ${m.p50Ms} ms p99 ${m.p99Ms} ms`
    print(
      `  c=${level}: service ${show(service)} (errors ${service.errors}) | pattern ${show(raw)} | lean ${show(lean)}` +
        ` | service ÷ lean ${pair.leanRpsRatio}× | DynamoDB req/request ${pair.ddbRequestsPerRequest} (pattern ${pair.rawDdbRequestsPerCall}, lean ${perCall('lean', lean)})`,
    )
    return pair
  }

  try {
    const readOnce = async () => {
      const res = await fetch(`${facts.messagingService.url}/api/messages/${readConversation}`, {
        headers: auth,
      })
      await json(res, 'GET /api/messages/:uuid')
    }
    const exact = {
      read: await exactCount(readOnce),
      send: await exactCount(() => post({ message_group_uuid: readConversation, message: TEXT })),
    }
    for (const [what, c] of [
      ['GET /api/messages/:uuid', exact.read],
      ['POST /api/messages', exact.send],
    ] as const) {
      print(
        `  one ${what} = ${c.perRequest} DynamoDB request(s) ${JSON.stringify(c.byOperation)}, ` +
          `${c.userServicePerRequest} user-service request(s) ${JSON.stringify(c.userServiceByOperation)}`,
      )
    }
    print('scenario 1: GET /api/messages/:uuid vs. pattern A Query (the function and the lean call)')
    const patternRead = async () => {
      const out = await listMessages(doc, table, {
        conversationUuid: readConversation,
        caller: me.uuid,
        limit: 20,
      })
      if (out.messages.length !== 20) throw new Error(`read ${out.messages.length} messages`)
    }
    const read = await compareLevels({
      service: (level, durationS) =>
        httpLoad({
          url: `${facts.messagingService.url}/api/messages/${readConversation}`,
          headers: { authorization: auth.authorization },
          concurrency: level,
          durationS,
        }),
      raw: (concurrency, durationS) => callLoad(patternRead, { concurrency, durationS }),
      lean: (concurrency, durationS) =>
        callLoad(leanRead(client, table, readConversation), { concurrency, durationS }),
    })

    print('scenario 2: POST /api/messages vs. pattern C TransactWriteItems (the function and the lean call)')
    let n = 0
    const nextConversation = () => conversations[n++ % conversations.length] as string
    const send = await compareLevels({
      service: (level, durationS) =>
        httpLoad({
          url: `${facts.messagingService.url}/api/messages`,
          method: 'POST',
          headers: auth,
          concurrency: level,
          durationS,
          requests: [
            {
              setupRequest: (req) => ({
                ...req,
                body: JSON.stringify({ message_group_uuid: nextConversation(), message: TEXT }),
              }),
            },
          ],
        }),
      raw: (concurrency, durationS) =>
        callLoad(
          () =>
            sendMessage(doc, table, { conversationUuid: nextConversation(), message: newMessage(me, TEXT) }),
          { concurrency, durationS },
        ),
      // Built per run: the other paths wrote to the same conversations since.
      lean: async (concurrency, durationS) =>
        callLoad(await leanSender(client, doc, table, me, conversations, TEXT), { concurrency, durationS }),
    })

    // The load is over: what the services hold now, and once idle for a while.
    const atEnd = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, memoryOf(pid)]))
    await sleep(SETTLE_MS)
    const settledAt = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, memoryOf(pid)]))
    await sleep(IDLE_MS - SETTLE_MS)
    const memory = Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => {
        const [end, settled, idle] = [atEnd[name], settledAt[name], memoryOf(pid)]
        return [
          name,
          end && settled && idle
            ? {
                startRssMiB: startRss[name] ?? 0,
                peakMiB: end.peakMiB,
                rssMiB: end.rssMiB,
                settledRssMiB: settled.rssMiB,
                idleRssMiB: idle.rssMiB,
              }
            : null,
        ]
      }),
    )
    return { read, send, exact, memory, peakResetWorked }
  } finally {
    client.destroy()
  }
}
