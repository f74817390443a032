import { randomUUID } from 'node:crypto'
import t from 'tap'
import {
  findConversation,
  getConversationItems,
  listMessages,
  newMessage,
  sendMessage,
  startConversation,
  writeHistory,
} from '../src/conversations/index.js'
import { person, testTable } from './ddb-helper.js'

const [alice, bob] = [person(randomUUID()), person(randomUUID())]
const conversationUuid = randomUUID()
// 60 messages across a New Year, both people writing, two of them in the same millisecond.
const base = Date.UTC(2026, 0, 1) - 30 * 60_000
const history = Array.from({ length: 60 }, (_, i) =>
  newMessage(i % 3 === 0 ? bob : alice, `message ${i}`, new Date(base + (i === 31 ? 30 : i) * 60_000)),
)
history[0] = newMessage(alice, 'message 0', new Date(base))

t.test('a history written in bulk is item for item what one send after another stores', async (t) => {
  const oneByOne = await testTable(t, 'test-history-sends')
  await startConversation(oneByOne.doc, oneByOne.table, {
    recipientUuid: bob.uuid,
    message: history[0] as (typeof history)[0],
    conversationUuid,
  })
  for (const message of history.slice(1))
    await sendMessage(oneByOne.doc, oneByOne.table, { conversationUuid, message })

  const bulk = await testTable(t, 'test-history-bulk')
  bulk.requests.length = 0
  const written = await writeHistory(bulk.doc, bulk.table, {
    recipientUuid: bob.uuid,
    messages: history,
    conversationUuid,
  })
  t.equal(written.conversationUuid, conversationUuid)
  t.ok(bulk.requests.length <= 8, `a few requests, not one per message (${bulk.requests.length})`)
  t.equal(written.state.seq, 60)

  const items = async (h: typeof bulk) =>
    (await getConversationItems(h.doc, h.table, conversationUuid)).items.sort((x, y) =>
      String(x.sk).localeCompare(String(y.sk)),
    )
  const [expected, actual] = [await items(oneByOne), await items(bulk)]
  t.equal(actual.length, 62, '60 messages and the two member entries')
  t.same(actual, expected, 'the same records: seq, received counts, entries, sort keys')
  t.same(
    (await findConversation(bulk.doc, bulk.table, alice.uuid, bob.uuid)).conversationUuid,
    conversationUuid,
    'and the pair record, so a start with the same person finds it',
  )

  // It goes on like any conversation: the next send builds on the entries, and lists show it.
  const next = await sendMessage(bulk.doc, bulk.table, {
    conversationUuid,
    message: newMessage(bob, 'after the history', new Date(base + 61 * 60_000)),
  })
  t.equal(next.seq, 61)
  const page = await listMessages(bulk.doc, bulk.table, { conversationUuid, caller: alice.uuid, limit: 3 })
  t.same(
    page.messages.map((m) => m.message),
    ['message 58', 'message 59', 'after the history'],
  )
})

t.test(
  'a send that comes in between is never overwritten: the entries keep it, the bulk write fails loudly',
  async (t) => {
    const { doc, table } = await testTable(t, 'test-history-race')
    const [carol, dave] = [person(randomUUID()), person(randomUUID())]
    const messages = Array.from({ length: 30 }, (_, i) =>
      newMessage(i % 2 ? dave : carol, `m${i}`, new Date(base + i * 1000)),
    )
    // The start of the history is stored, then someone sends before the entries move.
    let raced = false
    const racingDoc = new Proxy(doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver)
        return async (command: { constructor: { name: string } }) => {
          if (command.constructor.name === 'TransactWriteCommand' && !raced) {
            const found = await findConversation(doc, table, carol.uuid, dave.uuid)
            if (found.conversationUuid) {
              raced = true
              await sendMessage(doc, table, {
                conversationUuid: found.conversationUuid,
                message: newMessage(dave, 'in between', new Date(base + 5_000)),
              })
            }
          }
          return target.send(command as never)
        }
      },
    })
    await t.rejects(writeHistory(racingDoc, table, { recipientUuid: dave.uuid, messages }), {
      name: 'TransactionCanceledException',
    })
    t.ok(raced, 'the racing send happened')
    const found = await findConversation(doc, table, carol.uuid, dave.uuid)
    const page = await listMessages(doc, table, {
      conversationUuid: found.conversationUuid as string,
      caller: carol.uuid,
      limit: 1,
    })
    t.same(
      page.messages.map((m) => m.message),
      ['m29'],
      'the records are there (they sort after the racing one)…',
    )
    const { items } = await getConversationItems(doc, table, found.conversationUuid as string)
    const entries = items.filter((i) => i.kind === 'member')
    t.same(
      entries.map((e) => e.last_message),
      ['in between', 'in between'],
      '…but the entries still point at the send that won',
    )
  },
)

t.test('a history needs a message', async (t) => {
  const { doc, table } = await testTable(t, 'test-history-empty')
  await t.rejects(writeHistory(doc, table, { recipientUuid: bob.uuid, messages: [] }), /at least one message/)
})
