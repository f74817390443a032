/**
 * Bounded load on loopback: 200 concurrent sends into one conversation, then 50 conversations
 * started and written to in parallel. Every acknowledged message must be stored exactly once,
 * every conversation list must show its newest message, and no answer may be a 5xx.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { acknowledgedMessages, figures, reportFigures } from './lib/figures.js'
import {
  conversationList,
  type ErrorBody,
  type ListedMessage,
  messaging,
  type Reply,
  type SentMessage,
  wholeConversation,
} from './lib/http.js'
import { assertNoSecretsLogged } from './lib/logs.js'
import { type System, startSystem } from './lib/system.js'
import { createUsers, type TestUser } from './lib/users.js'

const startedAt = Date.now()
let system: System
let people: TestUser[] = []

t.before(async () => {
  system = await startSystem('load')
  people = await createUsers(system, 'load', 53)
})
t.teardown(async () => {
  await system?.stop()
})

const latencies: number[] = []
/** Every HTTP answer to a send that was neither 200 nor a clean 503 (must stay empty). */
const unclean: string[] = []
/** Sends whose first attempt was refused with 503 dependency_unavailable (then retried). */
let firstAttempt503 = 0

/**
 * One send the way a well-behaved client makes it under load: with an Idempotency-Key, and
 * retried with the same key after a back-off when the answer is 503 dependency_unavailable.
 * So a refused first attempt costs latency but can neither lose nor duplicate the message.
 */
async function send(
  from: TestUser,
  body: Record<string, string>,
): Promise<Reply<SentMessage> | { status: string }> {
  figures.sendsAttempted++
  const key = `load-${randomUUID()}`
  let result: Reply<SentMessage> | { status: string } = { status: 'not sent' }
  for (let attempt = 1; attempt <= 20; attempt++) {
    try {
      const res = await messaging<SentMessage>(system, 'POST', '/api/messages', {
        token: from.accessToken,
        body,
        headers: { 'idempotency-key': key },
      })
      latencies.push(res.ms)
      result = res
      if (res.status === 200) {
        figures.sendsAcknowledged++
        acknowledgedMessages.add(res.json.uuid)
        break
      }
      const codes = (res.json as unknown as ErrorBody | undefined)?.errors ?? []
      if (res.status !== 503 || !codes.includes('dependency_unavailable')) {
        unclean.push(`${res.status} ${res.text}`)
        break
      }
      if (attempt === 1) firstAttempt503++
      figures.retriesAfter503++
    } catch (error) {
      result = {
        status: String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name),
      }
      unclean.push(result.status)
      break
    }
    await sleep(Math.min(2_000, 200 * attempt) + Math.random() * 200)
  }
  return result
}

/** Up to three non-200 answers, for the diagnostics of a failed assertion. */
const failures = (results: Array<Reply<SentMessage> | { status: string }>) =>
  results
    .filter((r) => r.status !== 200)
    .slice(0, 3)
    .map((r) => ('text' in r ? `${r.status} ${r.text}` : r.status))

const ok = (r: Reply<SentMessage> | { status: string }): r is Reply<SentMessage> => r.status === 200

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)
}

/** Every acknowledged message of a conversation stored exactly once; returns the stored list. */
async function assertStoredOnce(
  t: Test,
  reader: TestUser,
  group: string,
  acked: SentMessage[],
  label: string,
) {
  const { messages } = await wholeConversation(system, reader.accessToken, group)
  const counts = new Map<string, number>()
  for (const m of messages) counts.set(m.uuid, (counts.get(m.uuid) ?? 0) + 1)
  const once = acked.filter((a) => counts.get(a.uuid) === 1)
  figures.sendsStoredOnce += once.length
  t.equal(
    once.length,
    acked.length,
    `${label}: all ${acked.length} acknowledged messages stored exactly once`,
  )
  t.equal(messages.length, acked.length, `${label}: and nothing else`)
  const texts = new Map(acked.map((a) => [a.uuid, a.message]))
  t.ok(
    messages.every((m) => texts.get(m.uuid) === m.message),
    `${label}: each with the text that was acknowledged`,
  )
  return messages
}

t.test('200 concurrent sends into one conversation', async (t) => {
  const [p, q] = people as [TestUser, TestUser]
  const start = await send(p, { handle: q.handle, message: 'load: the first message' })
  if (!ok(start)) throw new Error(`could not start: ${start.status}`)
  const group = start.json.message_group_uuid
  latencies.length = 0
  firstAttempt503 = 0
  const t0 = performance.now()
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      send(i % 2 ? p : q, { message_group_uuid: group, message: `load ${i}` }),
    ),
  )
  const wallMs = performance.now() - t0
  const statuses = results.map((r) => r.status)
  t.same(
    statuses.filter((s) => s !== 200),
    [],
    'every one of the 200 concurrent sends was acknowledged',
    { sample: failures(results) },
  )
  t.same(unclean, [], 'no answer but 200 or a clean 503 dependency_unavailable: never a 500')
  const acked = [start.json, ...results.filter(ok).map((r) => r.json)]
  t.equal(new Set(acked.map((a) => a.uuid)).size, acked.length, 'each acknowledgement names its own message')
  const messages = await assertStoredOnce(t, p, group, acked, 'one conversation')
  const sameMs = messages.filter((m, i) => i > 0 && messages[i - 1]?.created_at === m.created_at).length
  t.comment(
    `200 concurrent sends: ${firstAttempt503} first attempts refused with 503 (then retried with their key); ${Math.round(wallMs)} ms wall, p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${percentile(latencies, 100)} ms; ${sameMs} messages share a millisecond with their predecessor`,
  )
  const again = await wholeConversation(system, q.accessToken, group)
  t.same(
    again.messages.map((m) => m.uuid),
    messages.map((m) => m.uuid),
    'both participants read the same stable order (same-millisecond messages included)',
  )
  for (const me of [p, q]) {
    const groups = await conversationList(system, me.accessToken)
    const entry = groups.json.find((g) => g.uuid === group)
    t.equal(entry?.message, messages.at(-1)?.message, `${me.handle}'s list shows the newest message`)
    t.equal(entry?.created_at, messages.at(-1)?.created_at)
  }
})

t.test('50 conversations started and written to in parallel', async (t) => {
  const hub = people[2] as TestUser
  const partners = people.slice(3)
  t.equal(partners.length, 50)
  latencies.length = 0
  firstAttempt503 = 0
  const t0 = performance.now()
  // Both sides of the first ten start "their" conversation at the same moment: still one each.
  const startJobs = partners.flatMap((partner, i) => [
    { partner, run: () => send(hub, { handle: partner.handle, message: `hub to ${partner.handle}` }) },
    ...(i < 10
      ? [{ partner, run: () => send(partner, { handle: hub.handle, message: `${partner.handle} to hub` }) }]
      : []),
  ])
  const starts = await Promise.all(startJobs.map((job) => job.run()))
  t.same(
    starts.map((s) => s.status).filter((s) => s !== 200),
    [],
    'every start was acknowledged',
    { sample: failures(starts) },
  )
  const groupOf = new Map<string, string>()
  const acked = new Map<string, SentMessage[]>()
  starts.forEach((s, i) => {
    const other = startJobs[i]?.partner.handle ?? ''
    if (!ok(s)) return
    const known = groupOf.get(other)
    if (known) t.equal(s.json.message_group_uuid, known, `one conversation between hub and ${other}`)
    groupOf.set(other, s.json.message_group_uuid)
    acked.set(s.json.message_group_uuid, [...(acked.get(s.json.message_group_uuid) ?? []), s.json])
  })
  t.equal(groupOf.size, 50, '50 conversations')
  const writes = await Promise.all(
    partners.flatMap((partner) =>
      Array.from({ length: 4 }, (_, i) =>
        send(i % 2 ? hub : partner, {
          message_group_uuid: groupOf.get(partner.handle) ?? '',
          message: `${partner.handle} #${i}`,
        }),
      ),
    ),
  )
  const wallMs = performance.now() - t0
  t.same(
    writes.map((s) => s.status).filter((s) => s !== 200),
    [],
    'every one of the 200 parallel writes was acknowledged',
    { sample: failures(writes) },
  )
  t.same(unclean, [], 'no answer but 200 or a clean 503 dependency_unavailable: never a 500')
  for (const w of writes.filter(ok))
    acked.set(w.json.message_group_uuid, [...(acked.get(w.json.message_group_uuid) ?? []), w.json])
  t.comment(
    `50 conversations: ${starts.length} starts + ${writes.length} writes (${firstAttempt503} first attempts refused with 503, then retried) in ${Math.round(wallMs)} ms wall, p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms`,
  )

  const hubList = await messaging<
    Array<{ uuid: string; handle: string; message: string; created_at: string }>
  >(system, 'GET', '/api/message_groups?limit=100', { token: hub.accessToken })
  t.equal(hubList.status, 200)
  t.equal(hubList.json.length, 50, 'the hub lists its 50 conversations')
  const order = hubList.json.map((g) => g.created_at)
  t.same(order, [...order].sort().reverse(), 'most recent activity first')
  let newestShown = 0
  for (const partner of partners) {
    const group = groupOf.get(partner.handle) ?? ''
    const messages: ListedMessage[] = await assertStoredOnce(
      t,
      partner,
      group,
      acked.get(group) ?? [],
      `conversation with ${partner.handle}`,
    )
    const newest = messages.at(-1)
    const hubEntry = hubList.json.find((g) => g.uuid === group)
    const partnerList = await conversationList(system, partner.accessToken)
    const partnerEntry = partnerList.json.find((g) => g.uuid === group)
    if (
      hubEntry?.message === newest?.message &&
      hubEntry?.handle === partner.handle &&
      partnerEntry?.message === newest?.message &&
      partnerEntry?.handle === hub.handle
    )
      newestShown++
  }
  t.equal(newestShown, 50, "both sides' lists show each conversation's newest message and the other person")
})

t.test('no token or password in any log line', async (t) => {
  assertNoSecretsLogged(t, system)
})

t.test('figures', async (t) => {
  reportFigures(t, 'load', startedAt)
  t.pass()
})
