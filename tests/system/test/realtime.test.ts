/**
 * Realtime delivery across instances, against real engines: two messaging-service processes
 * sharing one table and one Redis, the second with its clock 2 s behind (the test-only seam);
 * three people whose stream clients hang up and resume all the time, on either instance. Every
 * client must end with exactly the messages of its conversations, each once, in each
 * conversation's stored order, and the unread counts must equal a count from the table. Then
 * the same after one instance is killed with SIGKILL mid-burst, and after Redis is stopped and
 * started again.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { createDocumentClient, createDynamoClient } from '@cruddur/dynamodb'
import { getConversationItems } from '@cruddur/messaging-service/conversations'
import t, { type Test } from 'tap'
import { call, type SentMessage } from './lib/http.js'
import { LiveClient } from './lib/live-client.js'
import { type ExtraInstance, type System, startSystem } from './lib/system.js'
import { createUsers, type TestUser } from './lib/users.js'

let system: System
let second: ExtraInstance
let people: TestUser[] = []
let clients: LiveClient[] = []
/** The instances a client or a sender may use now (the second is dropped when killed). */
let instances: string[] = []
const conversations: { uuid: string; members: [number, number] }[] = []

t.before(async () => {
  system = await startSystem('realtime', {
    redis: true,
    messagingEnv: { STREAM_PING_MS: '500', STREAM_RETRY_MS: '200', SEND_RATE_LIMIT_MAX: '1000000' },
  })
  second = await system.startInstance('skewed', { TEST_CLOCK_OFFSET_MS: '-2000' })
  instances = [system.facts.messagingService.url, second.url]
  people = await createUsers(system, 'rt', 3)
  clients = people.map((p) => new LiveClient(p.handle, p.accessToken, () => instances))
})
t.teardown(async () => {
  await Promise.all(clients.map((c) => c.stop()))
  await system?.stop()
})

/** A send with an Idempotency-Key: on an instance that is gone (or a 5xx), the same send on the next one. */
async function send(from: TestUser, body: Record<string, string>, preferred: number): Promise<SentMessage> {
  const key = randomUUID()
  for (let attempt = 0; attempt < 20; attempt++) {
    const url = instances[(preferred + attempt) % instances.length] as string
    try {
      const res = await call<SentMessage>(url, 'POST', '/api/messages', {
        token: from.accessToken,
        body,
        headers: { 'idempotency-key': key },
        timeoutMs: 10_000,
      })
      if (res.status === 200) return res.json
      if (res.status < 500) throw new Error(`send answered ${res.status}: ${res.text}`)
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('send answered')) throw err
    }
    await sleep(50)
  }
  throw new Error('a send failed 20 times')
}

/** Waits (a few seconds at most) until some client has a stream open on `url` (any instance: undefined). */
async function someoneConnected(url?: string): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!clients.some((c) => (url ? c.connectedTo === url : c.connectedTo !== undefined))) {
    if (Date.now() > deadline) throw new Error(`no client connected to ${url ?? 'any instance'}`)
    await sleep(10)
  }
}

/**
 * A read, as a client makes it: on an instance that is gone or going (a refused connection, the
 * 503 a closing server answers) the same read on the next one; a read is safe to repeat.
 */
async function markRead(who: TestUser, conversation: string, preferred: number): Promise<void> {
  let last = ''
  for (let attempt = 0; attempt < 20; attempt++) {
    const url = instances[(preferred + attempt) % instances.length] as string
    try {
      const res = await call(url, 'POST', `/api/message_groups/${conversation}/read`, {
        token: who.accessToken,
        timeoutMs: 10_000,
      })
      if (res.status === 200) return
      last = `${res.status}: ${res.text}`
      if (res.status < 500) break
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await sleep(50)
  }
  throw new Error(`read answered ${last}`)
}

/** `count` sends by everyone at once into their two conversations, alternating instances, with reads between. */
async function burst(count: number, during?: (done: number) => Promise<void>): Promise<void> {
  let done = 0
  await Promise.all(
    people.map(async (person, p) => {
      const mine = conversations.filter((c) => c.members.includes(p))
      for (let i = 0; i < count / people.length; i++) {
        const conversation = mine[i % mine.length] as (typeof mine)[number]
        await send(
          person,
          { message_group_uuid: conversation.uuid, message: `${person.handle} #${i}` },
          i + p,
        )
        done++
        await during?.(done)
        if (i % 10 === 9) await markRead(person, conversation.uuid, i)
      }
    }),
  )
}

const doc = () => {
  const client = createDynamoClient({ region: system.facts.region, endpoint: system.dynamo.endpoint })
  return { doc: createDocumentClient(client), close: () => client.destroy() }
}

interface Stored {
  /** Message uuids in stored order (by seq). */
  order: string[]
  /** Per member's user uuid: the other person's messages after their read position. */
  unread: Map<string, number>
  /** Who sent what, by the texts this test sends (`<handle> #<n>`): handle → user uuid. */
  senders: Map<string, string>
}

/** A conversation as the table holds it. */
async function stored(conversation: string): Promise<Stored> {
  const { doc: client, close } = doc()
  try {
    const { items } = await getConversationItems(client, system.facts.dynamodb.table, conversation)
    const messages = items
      .filter((i) => i.kind === 'message')
      .sort((a, b) => (a.seq as number) - (b.seq as number))
    const unread = new Map<string, number>()
    for (const e of items.filter((i) => i.kind === 'member')) {
      const readSeq = (e.read_seq as number | undefined) ?? 0
      const count = messages.filter((m) => m.sender_uuid !== e.user_uuid && (m.seq as number) > readSeq)
      unread.set(e.user_uuid as string, count.length)
    }
    const senders = new Map(
      messages.map((m) => [String(m.message).split(' #')[0] as string, m.sender_uuid as string]),
    )
    return { order: messages.map((m) => String(m.sk).split('#').at(-1) as string), unread, senders }
  } finally {
    close()
  }
}

/** Every client holds exactly its conversations' messages, once each, in stored order; unread counts are exact. */
async function verify(t: Test, phase: string) {
  const table = new Map<string, Stored>()
  for (const c of conversations) table.set(c.uuid, await stored(c.uuid))
  const expectedOf = (p: number) =>
    new Map(
      conversations
        .filter((c) => c.members.includes(p))
        .map((c) => [c.uuid, table.get(c.uuid)?.order ?? []] as const),
    )
  await Promise.all(clients.map((client, p) => client.drain(expectedOf(p))))
  for (const [p, client] of clients.entries()) {
    const person = people[p] as TestUser
    for (const [conversation, order] of expectedOf(p)) {
      t.same(
        client.byConversation.get(conversation),
        order,
        `${phase}: ${client.name} has the ${order.length} messages of a conversation, once each, in stored order`,
      )
    }
    const strangers = conversations.filter((c) => !c.members.includes(p)).map((c) => c.uuid)
    t.notOk(
      strangers.some((c) => client.byConversation.has(c)),
      `${phase}: ${client.name} got nothing of the conversation they are not in`,
    )
    t.equal(client.resets, 0, `${phase}: ${client.name} was never reset`)
    const list = await call<{ uuid: string; unread_count: number }[]>(
      instances[0] as string,
      'GET',
      '/api/message_groups',
      { token: person.accessToken },
    )
    for (const conversation of expectedOf(p).keys()) {
      const s = table.get(conversation) as Stored
      const myUuid = s.senders.get(person.handle) as string
      t.equal(
        list.json.find((g) => g.uuid === conversation)?.unread_count,
        s.unread.get(myUuid),
        `${phase}: ${client.name}'s unread_count equals the count from the table (${s.unread.get(myUuid)})`,
      )
    }
  }
}

t.test('300 sends through two instances (one 2 s behind) while every client keeps resuming', async (t) => {
  // The clients are listening before the first conversation exists: every message is owed to them.
  for (const client of clients) await client.session(instances[0] as string, 300)
  for (const client of clients) client.start()
  const pairs: [number, number][] = [
    [0, 1],
    [1, 2],
    [2, 0],
  ]
  for (const [i, [a, b]] of pairs.entries()) {
    const first = await send(
      people[a] as TestUser,
      { handle: (people[b] as TestUser).handle, message: `${(people[a] as TestUser).handle} #start` },
      i,
    )
    conversations.push({ uuid: first.message_group_uuid, members: [a, b] })
  }
  await burst(300)
  await Promise.all(clients.map((c) => c.stop()))
  for (const client of clients)
    t.ok(client.resumes >= 5, `${client.name} resumed ${client.resumes} times (at least 5)`)
  await verify(t, 'two instances')
})

t.test('one instance killed with SIGKILL mid-burst: its clients resume on the other', async (t) => {
  for (const client of clients) client.start()
  await burst(60, async (done) => {
    if (done !== 20) return
    await second.stop('SIGKILL')
    instances = [system.facts.messagingService.url]
  })
  await Promise.all(clients.map((c) => c.stop()))
  t.equal(second.proc.child.signalCode, 'SIGKILL', 'the second instance was killed')
  await verify(t, 'after the kill')
})

t.test(
  'Redis stopped and started again: streams are told to resume, sends go on, nothing is missing',
  async (t) => {
    for (const client of clients) client.start()
    const before = clients.map((c) => c.toldToResume)
    let readyWhileDown: { status: number; text: string } | undefined
    await burst(60, async (done) => {
      if (done === 15) {
        await system.stopRedis()
        await sleep(300)
        readyWhileDown = await call(instances[0] as string, 'GET', '/ready')
      }
      if (done === 40) await system.restartRedis()
    })
    await Promise.all(clients.map((c) => c.stop()))
    t.equal(readyWhileDown?.status, 503, '/ready says not ready while Redis is down')
    t.match(readyWhileDown?.text, /redis/, 'and names Redis')
    const told = clients.reduce((sum, c, i) => sum + c.toldToResume - (before[i] ?? 0), 0)
    t.ok(told >= 1, `streams open when Redis went away were ended with a retry hint (${told})`)
    await verify(t, 'after the Redis restart')
  },
)

t.test(
  'an instance shut down gracefully mid-burst: its streams are told to resume, and do elsewhere',
  async (t) => {
    const third = await system.startInstance('graceful')
    instances = [system.facts.messagingService.url, third.url]
    for (const client of clients) client.start()
    const before = clients.map((c) => c.toldToResume)
    await burst(60, async (done) => {
      if (done !== 20) return
      await someoneConnected(third.url)
      const stopping = third.stop('SIGTERM')
      instances = [system.facts.messagingService.url]
      t.equal(await stopping, 0, 'SIGTERM: the instance drained and exited 0')
    })
    await Promise.all(clients.map((c) => c.stop()))
    const told = clients.reduce((sum, c, i) => sum + c.toldToResume - (before[i] ?? 0), 0)
    t.ok(told >= 1, `streams on it were ended with a retry hint (${told})`)
    await verify(t, 'after the graceful shutdown')
  },
)
