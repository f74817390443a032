import { randomUUID } from 'node:crypto'
import t from 'tap'
import {
  ConversationNotFoundError,
  getConversationItems,
  IdempotencyKeyReusedError,
  listConversations,
  listMessages,
  newMessage,
  sendMessage,
  startConversation,
} from '../src/conversations/index.js'
import { person, testTable } from './ddb-helper.js'

const at = (iso: string) => new Date(iso)

t.test('D then C: start a conversation, send into it, list both ways', async (t) => {
  const { doc, table, requests } = await testTable(t)
  const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()]
  requests.length = 0
  const started = await startConversation(doc, table, {
    recipientUuid: bob,
    message: newMessage(person(alice), 'hello bob', at('2025-12-31T23:59:59.000Z')),
  })
  t.equal(started.created, true)
  t.equal(requests.length, 1, 'a new conversation is one request')
  requests.length = 0
  const sent = await sendMessage(doc, table, {
    conversationUuid: started.conversationUuid,
    message: newMessage(person(bob), 'happy new year', at('2026-01-01T00:00:01.000Z')),
  })
  t.equal(sent.entriesUpdated, 2)
  t.equal(requests.length, 1, 'a send is one request')

  const page = await listMessages(doc, table, {
    conversationUuid: started.conversationUuid,
    caller: alice,
    limit: 20,
  })
  t.same(
    page.messages.map((m) => m.message),
    ['hello bob', 'happy new year'],
    'oldest to newest across the year boundary',
  )
  t.notOk(page.next)

  for (const user of [alice, bob]) {
    const groups = await listConversations(doc, table, { user, limit: 20 })
    t.equal(groups.conversations.length, 1)
    t.match(groups.conversations[0], {
      conversation_uuid: started.conversationUuid,
      user_uuid: user,
      other_uuid: user === alice ? bob : alice,
      last_message: 'happy new year',
      last_at: '2026-01-01T00:00:01.000Z',
    })
  }
  await t.rejects(
    listMessages(doc, table, { conversationUuid: started.conversationUuid, caller: carol, limit: 20 }),
    ConversationNotFoundError,
    'a non-member cannot read',
  )
  await t.rejects(
    sendMessage(doc, table, {
      conversationUuid: started.conversationUuid,
      message: newMessage(person(carol), 'let me in'),
    }),
    ConversationNotFoundError,
    'a non-member cannot send',
  )
  await t.rejects(
    sendMessage(doc, table, {
      conversationUuid: randomUUID(),
      message: newMessage(person(alice), 'anyone?'),
    }),
    ConversationNotFoundError,
    'an unknown conversation looks the same',
  )
  await t.rejects(
    listMessages(doc, table, { conversationUuid: randomUUID(), caller: alice, limit: 20 }),
    ConversationNotFoundError,
  )
  const all = await getConversationItems(doc, table, started.conversationUuid)
  t.equal(all.items.filter((i) => i.kind === 'message').length, 2, 'carol stored nothing')
})

t.test('A pages through many messages across a year boundary, newest page first', async (t) => {
  const { doc, table } = await testTable(t)
  const [alice, bob] = [randomUUID(), randomUUID()]
  const start = Date.parse('2025-12-31T23:00:00.000Z')
  const first = await startConversation(doc, table, {
    recipientUuid: bob,
    message: newMessage(person(alice), 'm0', new Date(start)),
  })
  const c = first.conversationUuid
  for (let i = 1; i < 55; i++) {
    await sendMessage(doc, table, {
      conversationUuid: c,
      message: newMessage(person(i % 2 ? bob : alice), `m${i}`, new Date(start + i * 120_000)),
    })
  }
  const seen: string[] = []
  let after: Record<string, string> | undefined
  let pages = 0
  do {
    const page = await listMessages(doc, table, { conversationUuid: c, caller: bob, limit: 20, after })
    pages++
    seen.unshift(...page.messages.map((m) => m.message))
    after = page.next
  } while (after)
  t.equal(pages, 3)
  t.same(
    seen,
    Array.from({ length: 55 }, (_, i) => `m${i}`),
    'every message once, in order',
  )
  const years = new Set(seen.map((_, i) => new Date(start + i * 120_000).getUTCFullYear()))
  t.same([...years], [2025, 2026])
})

t.test('two messages in the same millisecond are both kept, in a stable order', async (t) => {
  const { doc, table } = await testTable(t)
  const [alice, bob] = [randomUUID(), randomUUID()]
  const when = at('2026-03-01T12:00:00.000Z')
  const { conversationUuid } = await startConversation(doc, table, {
    recipientUuid: bob,
    message: newMessage(person(alice), 'first', at('2026-03-01T11:00:00.000Z')),
  })
  await Promise.all([
    sendMessage(doc, table, { conversationUuid, message: newMessage(person(alice), 'tie a', when) }),
    sendMessage(doc, table, { conversationUuid, message: newMessage(person(bob), 'tie b', when) }),
  ])
  const one = await listMessages(doc, table, { conversationUuid, caller: alice, limit: 20 })
  const two = await listMessages(doc, table, { conversationUuid, caller: bob, limit: 20 })
  t.equal(one.messages.length, 3)
  t.same(
    one.messages.map((m) => m.message_uuid),
    two.messages.map((m) => m.message_uuid),
    'same order every time',
  )
  t.same(new Set(one.messages.slice(1).map((m) => m.message)), new Set(['tie a', 'tie b']))
})

t.test(
  'a message from a clock that is behind is stored after the newest: the conversation never goes back',
  async (t) => {
    const { doc, table } = await testTable(t)
    const [alice, bob] = [randomUUID(), randomUUID()]
    const { conversationUuid } = await startConversation(doc, table, {
      recipientUuid: bob,
      message: newMessage(person(alice), 'newest', at('2026-05-01T00:00:00.000Z')),
    })
    // Bob's instance thinks it is a day earlier: the sequence, not its clock, places the message.
    const late = await sendMessage(doc, table, {
      conversationUuid,
      message: newMessage(person(bob), 'delayed', at('2026-04-30T00:00:00.000Z')),
    })
    t.equal(late.seq, 2, 'the next seq')
    t.equal(late.sent.created_at, '2026-05-01T00:00:00.001Z', 'one millisecond after the newest')
    t.equal(late.entriesUpdated, 2)
    t.equal(late.cost.requests, 1, 'one request: the start left this instance the sequence state')
    const groups = await listConversations(doc, table, { user: bob, limit: 5 })
    t.equal(groups.conversations[0]?.last_message, 'delayed')
    const page = await listMessages(doc, table, { conversationUuid, caller: bob, limit: 5 })
    t.same(
      page.messages.map((m) => m.message),
      ['newest', 'delayed'],
    )
  },
)

t.test('100 concurrent sends: all stored, the list shows the newest', async (t) => {
  const { doc, table } = await testTable(t)
  const [alice, bob] = [randomUUID(), randomUUID()]
  const { conversationUuid } = await startConversation(doc, table, {
    recipientUuid: bob,
    message: newMessage(person(alice), 'start', at('2026-01-01T00:00:00.000Z')),
  })
  const base = Date.parse('2026-02-01T00:00:00.000Z')
  const messages = Array.from({ length: 100 }, (_, i) =>
    newMessage(person(i % 2 ? alice : bob), `n${i}`, new Date(base + i)),
  )
  // Shuffled so newer ones often commit before older ones.
  const order = messages.map((m) => ({ m, r: Math.random() })).sort((a, b) => a.r - b.r)
  await Promise.all(order.map(({ m }) => sendMessage(doc, table, { conversationUuid, message: m })))
  const all = await getConversationItems(doc, table, conversationUuid)
  t.equal(all.items.filter((i) => i.kind === 'message').length, 101, 'nothing lost')
  // Stored order is commit order: the sequence numbers 1..101 without a gap, in sort key order.
  const stored = (
    all.items.filter((i) => i.kind === 'message') as unknown as { seq: number; sk: string; message: string }[]
  ).sort((a, b) => (a.sk < b.sk ? -1 : 1))
  t.same(
    stored.map((m) => m.seq),
    Array.from({ length: 101 }, (_, i) => i + 1),
    'sort key order is seq order, 1..101',
  )
  const newest = stored.at(-1)?.message
  for (const user of [alice, bob]) {
    const groups = await listConversations(doc, table, { user, limit: 5 })
    t.equal(groups.conversations[0]?.last_message, newest, 'the newest message is shown')
  }
  const page = await listMessages(doc, table, { conversationUuid, caller: alice, limit: 100 })
  t.same(
    page.messages.map((m) => m.message),
    stored.slice(1).map((m) => m.message),
  )
  t.same(new Set(page.messages.map((m) => m.message)), new Set(messages.map((m) => m.text)), 'every one')
})

t.test('two simultaneous starts between one pair end with one conversation', async (t) => {
  const { doc, table } = await testTable(t)
  const [alice, bob] = [randomUUID(), randomUUID()]
  const [a, b] = await Promise.all([
    startConversation(doc, table, { recipientUuid: bob, message: newMessage(person(alice), 'hi bob') }),
    startConversation(doc, table, { recipientUuid: alice, message: newMessage(person(bob), 'hi alice') }),
  ])
  t.equal(a.conversationUuid, b.conversationUuid)
  t.same([a.created, b.created].sort(), [false, true])
  const page = await listMessages(doc, table, {
    conversationUuid: a.conversationUuid,
    caller: alice,
    limit: 20,
  })
  t.equal(page.messages.length, 2, 'both messages stored in it')
  const groups = await listConversations(doc, table, { user: alice, limit: 20 })
  t.equal(groups.conversations.length, 1)
})

t.test('idempotency: same key and body answers the first response, another body is refused', async (t) => {
  const { doc, table } = await testTable(t)
  const [alice, bob] = [randomUUID(), randomUUID()]
  const idem = (hash: string) => ({ key: 'key-1', requestHash: hash })
  const first = await startConversation(doc, table, {
    recipientUuid: bob,
    message: newMessage(person(alice), 'once'),
    idempotency: idem('h1'),
  })
  t.notOk(first.replayed)
  t.equal(first.sent.message_group_uuid, first.conversationUuid, 'the answer names the conversation')
  const again = await startConversation(doc, table, {
    recipientUuid: bob,
    message: newMessage(person(alice), 'once'),
    idempotency: idem('h1'),
  })
  t.ok(again.replayed)
  t.same(again.sent, first.sent, 'the stored answer of the first request, message uuid and all')
  const viaC = await sendMessage(doc, table, {
    conversationUuid: first.conversationUuid,
    message: newMessage(person(alice), 'once'),
    idempotency: idem('h1'),
  })
  t.same(viaC.sent, first.sent)
  await t.rejects(
    sendMessage(doc, table, {
      conversationUuid: first.conversationUuid,
      message: newMessage(person(alice), 'other'),
      idempotency: idem('h2'),
    }),
    IdempotencyKeyReusedError,
  )
  // The key is the caller's: bob may use the same one.
  const bobs = await sendMessage(doc, table, {
    conversationUuid: first.conversationUuid,
    message: newMessage(person(bob), 'mine'),
    idempotency: idem('h3'),
  })
  t.notOk(bobs.replayed)
  // An expired record (TTL not yet applied) no longer counts.
  const expired = await sendMessage(doc, table, {
    conversationUuid: first.conversationUuid,
    message: newMessage(person(alice), 'later'),
    idempotency: { ...idem('h4'), key: 'key-2', ttlSeconds: -10 },
  })
  t.notOk(expired.replayed)
  const reuse = await sendMessage(doc, table, {
    conversationUuid: first.conversationUuid,
    message: newMessage(person(alice), 'later again'),
    idempotency: { ...idem('h5'), key: 'key-2' },
  })
  t.notOk(reuse.replayed, 'the expired key is free again')
  const all = await getConversationItems(doc, table, first.conversationUuid)
  t.same(
    all.items
      .filter((i) => i.kind === 'message')
      .map((i) => i.message)
      .sort(),
    ['later', 'later again', 'mine', 'once'],
  )
})
