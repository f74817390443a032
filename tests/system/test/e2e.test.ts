/**
 * The web client's path through the public API, against both services as processes: sign-in
 * through cognito-local, start a conversation by handle, exchange, list, page back, and a
 * third user who must see nothing. Also the request-id trail and the log hygiene.
 */
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { acknowledgedMessages, figures, reportFigures } from './lib/figures.js'
import {
  type ErrorBody,
  type ListedMessage,
  messaging,
  type SentMessage,
  users,
  wholeConversation,
} from './lib/http.js'
import { accessLines, assertNoSecretsLogged, parsed } from './lib/logs.js'
import { systemWithPeople, type TestUser } from './lib/users.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const startedAt = Date.now()
const {
  system,
  people: { alice, bob, carol, dave, erin },
} = await systemWithPeople(t, 'e2e', 'e2e', ['alice', 'bob', 'carol', 'dave', 'erin'])
let group = ''
const sent: string[] = []

async function send(from: TestUser, body: Record<string, string>, headers?: Record<string, string>) {
  figures.sendsAttempted++
  const res = await messaging<SentMessage>(system, 'POST', '/api/messages', {
    token: from.accessToken,
    body,
    ...(headers ? { headers } : {}),
  })
  if (res.status === 200) {
    figures.sendsAcknowledged++
    acknowledgedMessages.add(res.json.uuid)
    sent.push(res.json.uuid)
  }
  return res
}

t.test('the public profile of a signed-up user', async (t) => {
  const res = await users<{ uuid: string; handle: string; display_name: string }>(
    system,
    'GET',
    `/api/users/@${bob.handle.toUpperCase()}/short`,
  )
  t.equal(res.status, 200, 'handles are case-insensitive')
  t.same(res.json, { uuid: res.json.uuid, handle: bob.handle, display_name: bob.displayName })
  t.match(res.json.uuid, UUID)
})

t.test('alice starts a conversation with bob by handle; bob answers into the same one', async (t) => {
  const first = await send(alice, { handle: bob.handle, message: 'hello bob' })
  t.equal(first.status, 200, `answered 200`, { body: first.text })
  t.match(first.json.message_group_uuid, UUID)
  t.match(first.json.uuid, UUID)
  t.match(first.json.created_at, ISO_MS)
  t.equal(first.json.handle, alice.handle, 'the answer names the sender')
  t.equal(first.json.display_name, alice.displayName)
  t.equal(first.json.message, 'hello bob')
  group = first.json.message_group_uuid

  const again = await send(bob, { handle: alice.handle.toUpperCase(), message: 'hi alice' })
  t.equal(again.status, 200, `answered 200`, { body: again.text })
  t.equal(again.json.message_group_uuid, group, 'a second start between the same two reuses the conversation')
  t.equal(again.json.handle, bob.handle)

  for (let i = 0; i < 6; i++) {
    const from = i % 2 === 0 ? alice : bob
    const res = await send(from, { message_group_uuid: group, message: `exchange ${i}` })
    t.equal(res.status, 200, `answered 200`, { body: res.text })
    t.equal(res.json.message_group_uuid, group)
  }
})

t.test('both see the conversation with the other person and the last message', async (t) => {
  for (const [me, other] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    const res = await messaging<Array<Record<string, string>>>(system, 'GET', '/api/message_groups', {
      token: me.accessToken,
    })
    t.equal(res.status, 200, `answered 200`, { body: res.text })
    const entry = res.json.find((g) => g.uuid === group)
    t.ok(entry, `${me.handle} lists the conversation`)
    t.equal(entry?.handle, other.handle, 'names the other person')
    t.equal(entry?.display_name, other.displayName)
    t.equal(entry?.message, 'exchange 5', 'shows the last message')
    t.match(entry?.created_at, ISO_MS)
  }
  const messages = await messaging<ListedMessage[]>(system, 'GET', `/api/messages/${group}`, {
    token: bob.accessToken,
  })
  t.equal(messages.status, 200)
  t.same(
    messages.json.map((m) => [m.handle, m.message]),
    [
      [alice.handle, 'hello bob'],
      [bob.handle, 'hi alice'],
      ...Array.from({ length: 6 }, (_, i) => [i % 2 === 0 ? alice.handle : bob.handle, `exchange ${i}`]),
    ],
    'oldest to newest, each with its sender',
  )
  t.equal(messages.headers.get('x-next-cursor'), null, 'no cursor when everything fits')
})

t.test('paging back through a long conversation', async (t) => {
  // 8 messages so far; 45 more makes 53: pages of 20, 20 and 13.
  for (let i = 0; i < 45; i++) {
    const res = await send(i % 3 === 0 ? bob : alice, { message_group_uuid: group, message: `long ${i}` })
    t.equal(res.status, 200, `answered 200`, { body: res.text })
  }
  const first = await messaging<ListedMessage[]>(system, 'GET', `/api/messages/${group}`, {
    token: alice.accessToken,
  })
  t.equal(first.status, 200)
  t.equal(first.json.length, 20, 'the default page is the newest 20')
  t.same(
    first.json.map((m) => m.message),
    Array.from({ length: 20 }, (_, i) => `long ${25 + i}`),
    'newest 20, shown oldest to newest',
  )
  const cursor = first.headers.get('x-next-cursor')
  t.ok(cursor, 'a cursor when older messages exist')
  const second = await messaging<ListedMessage[]>(
    system,
    'GET',
    `/api/messages/${group}?cursor=${encodeURIComponent(cursor ?? '')}`,
    { token: alice.accessToken },
  )
  t.equal(second.status, 200)
  t.same(
    second.json.map((m) => m.message),
    Array.from({ length: 20 }, (_, i) => `long ${5 + i}`),
  )
  const whole = await wholeConversation(system, bob.accessToken, group, 20)
  t.equal(whole.pages, 3, '53 messages are 3 pages of 20')
  t.equal(whole.messages.length, 53)
  t.equal(new Set(whole.messages.map((m) => m.uuid)).size, 53, 'no message twice across pages')
  t.same(whole.messages.at(-1)?.message, 'long 44')
  t.same(whole.messages[0]?.message, 'hello bob')
  const stored = new Set(whole.messages.map((m) => m.uuid))
  figures.sendsStoredOnce += sent.filter((uuid) => stored.has(uuid)).length
  t.equal(sent.filter((uuid) => stored.has(uuid)).length, sent.length, 'every acknowledged message is there')
  const small = await wholeConversation(system, bob.accessToken, group, 7)
  t.same(
    small.messages.map((m) => m.uuid),
    whole.messages.map((m) => m.uuid),
    'the same conversation with another page size',
  )
})

t.test('a third user can neither see nor post into the conversation', async (t) => {
  const read = await messaging<ErrorBody>(system, 'GET', `/api/messages/${group}`, {
    token: carol.accessToken,
  })
  t.equal(read.status, 404)
  t.same(read.json.errors, ['message_group_not_found'])
  const unknown = await messaging<ErrorBody>(system, 'GET', `/api/messages/${randomUUID()}`, {
    token: carol.accessToken,
  })
  t.equal(unknown.status, 404)
  t.same(unknown.json.errors, read.json.errors, 'a foreign conversation looks exactly like an unknown one')
  t.equal(unknown.json.message, read.json.message)
  const post = await messaging<ErrorBody>(system, 'POST', '/api/messages', {
    token: carol.accessToken,
    body: { message_group_uuid: group, message: 'let me in' },
  })
  t.equal(post.status, 404)
  t.same(post.json.errors, ['message_group_not_found'])
  const groups = await messaging<Array<{ uuid: string }>>(system, 'GET', '/api/message_groups', {
    token: carol.accessToken,
  })
  t.equal(groups.status, 200)
  t.notOk(
    groups.json.some((g) => g.uuid === group),
    'carol does not list it',
  )
  const whole = await wholeConversation(system, alice.accessToken, group)
  t.notOk(
    whole.messages.some((m) => m.message === 'let me in'),
    'nothing of carol got in',
  )
})

t.test('the request id travels from messaging-service to user-service', async (t) => {
  // dave's handle has never been asked for: the send has to ask user-service.
  const reqId = `system-e2e-${randomUUID()}`
  const first = await send(alice, { handle: dave.handle, message: 'hi dave' }, { 'x-request-id': reqId })
  t.equal(first.status, 200, `answered 200`, { body: first.text })
  t.equal(first.headers.get('x-request-id'), reqId, 'the caller gets its own id back')
  // erin: the client sends no id; the one messaging-service made up is passed on.
  const second = await send(bob, { handle: erin.handle, message: 'hi erin' })
  t.equal(second.status, 200, `answered 200`, { body: second.text })
  const generated = second.headers.get('x-request-id') ?? ''
  t.ok(generated, 'a generated request id is answered')
  for (const [reader, res] of [
    [dave, first],
    [erin, second],
  ] as const) {
    const whole = await wholeConversation(system, reader.accessToken, res.json.message_group_uuid)
    if (whole.messages.filter((m) => m.uuid === res.json.uuid).length === 1) figures.sendsStoredOnce++
  }
  // Log lines are written before the response ends, but give the pipes a moment.
  await new Promise((r) => setTimeout(r, 300))
  for (const id of [reqId, generated]) {
    t.equal(
      accessLines(system, 'messaging-service', id).length,
      1,
      `one access line for ${id} in messaging-service`,
    )
    const downstream = parsed(system, 'user-service').lines.filter((l) => l.reqId === id)
    t.ok(downstream.length > 0, `user-service logged the same id ${id}`)
    t.ok(
      downstream.some((l) => String(l.req?.url ?? '').startsWith('/internal/')),
      'on its internal route',
    )
  }
})

t.test('logs are structured, with one access line per request', async (t) => {
  for (const service of ['user-service', 'messaging-service'] as const) {
    const { lines, notJson } = parsed(system, service)
    t.same(notJson, [], `${service}: every log line is JSON`)
    const access = lines.filter((l) => l.res?.statusCode !== undefined)
    t.ok(access.length > 0, `${service} logged requests`)
    const ids = access.map((l) => l.reqId)
    t.notOk(
      ids.some((id) => !id),
      `${service}: every access line has a request id`,
    )
    // user-service may see several calls under one id (messaging-service forwards it), so the
    // one-line-per-request check is made where the clients are ours.
    if (service === 'messaging-service')
      t.equal(new Set(ids).size, ids.length, `${service}: one access line per request id`)
  }
})

t.test('no token or password in any log line', async (t) => {
  assertNoSecretsLogged(t, system)
})

t.test('figures', async (t) => {
  reportFigures(t, 'e2e', startedAt)
  t.pass()
})
