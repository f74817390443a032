import { randomUUID } from 'node:crypto'
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import {
  type Cost,
  conversationPk,
  GSI_PROJECTED,
  getConversationItems,
  IDEMPOTENCY_SK,
  idempotencyPk,
  indexEntry,
  itemSize,
  listConversations,
  listMessages,
  messageSk,
  newMessage,
  PAIR_SK,
  pairPk,
  sendMessage,
  startConversation,
  writeUnits,
} from '../src/ddb/index.js'
import { testTable } from './ddb-helper.js'

/** Sums what DynamoDB Local reports (ReturnConsumedCapacity INDEXES), table and GSI apart. */
function engine(cost: Cost) {
  const sum = (pick: (c: ConsumedCapacity) => number | undefined) =>
    cost.consumed.reduce((s, c) => s + (pick(c) ?? 0), 0)
  return {
    requests: cost.requests,
    total: sum((c) => c.CapacityUnits),
    table: sum((c) => c.Table?.CapacityUnits),
    gsi: sum((c) =>
      Object.values(c.GlobalSecondaryIndexes ?? {}).reduce((s, i) => s + (i.CapacityUnits ?? 0), 0),
    ),
  }
}

const INDEX_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', ...GSI_PROJECTED]
const text100 = 'x'.repeat(100)

t.test('consumed capacity of each pattern: DynamoDB Local figures and the AWS bill', async (t) => {
  const { doc, table, requests } = await testTable(t, 'test-capacity')
  const get = async (pk: string, sk: string) =>
    (await doc.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item as Record<string, unknown>
  const [alice, bob] = [randomUUID(), randomUUID()]
  const idem = (key: string) => ({
    key,
    requestHash: 'h'.repeat(43),
    // The shape the route stores: the POST answer.
    response: (c: string) => ({
      message_group_uuid: c,
      uuid: randomUUID(),
      display_name: 'Andrew Brown',
      handle: 'andrewbrown',
      message: text100,
      created_at: new Date().toISOString(),
    }),
  })

  // D: pair + two member entries + message (+ idempotency record) in one transaction.
  requests.length = 0
  const first = newMessage(alice, text100)
  const d = await startConversation(doc, table, { recipientUuid: bob, message: first })
  t.same(requests, ['TransactWriteItemsCommand'], 'D is one request')
  const conv = d.conversationUuid
  const entries = async () => [
    await get(conversationPk(conv), 'MSG~MEMBER#0'),
    await get(conversationPk(conv), 'MSG~MEMBER#1'),
  ]
  const dItems = [
    await get(pairPk(alice, bob), PAIR_SK),
    ...(await entries()),
    await get(conversationPk(conv), messageSk(first.createdAt, first.messageUuid)),
  ]
  const dBill =
    dItems.reduce((s, i) => s + writeUnits(i, true), 0) +
    (await entries()).reduce((s, e) => s + writeUnits(indexEntry(e, INDEX_ATTRIBUTES)), 0)

  // C: message + both member entries moved forward (+ idempotency record).
  requests.length = 0
  const m = newMessage(bob, text100)
  const c = await sendMessage(doc, table, { conversationUuid: conv, message: m })
  t.same(requests, ['TransactWriteItemsCommand'], 'C is one request')
  const cEntries = await entries()
  const cItems = [await get(conversationPk(conv), messageSk(m.createdAt, m.messageUuid)), ...cEntries]
  // Moving an index sort key is a delete plus a put in the index.
  const cIndex = cEntries.reduce((s, e) => s + 2 * writeUnits(indexEntry(e, INDEX_ATTRIBUTES)), 0)
  const cBill = cItems.reduce((s, i) => s + writeUnits(i, true), 0) + cIndex

  requests.length = 0
  const mk = newMessage(alice, text100)
  const cKey = await sendMessage(doc, table, {
    conversationUuid: conv,
    message: mk,
    idempotency: idem(randomUUID()),
  })
  t.equal(requests.length, 1, 'C with an Idempotency-Key is still one request')
  const key2 = randomUUID()
  await sendMessage(doc, table, {
    conversationUuid: conv,
    message: newMessage(alice, text100),
    idempotency: idem(key2),
  })
  const idemItem = await get(idempotencyPk(alice, key2), IDEMPOTENCY_SK)
  const idemUnits = writeUnits(idemItem, true)
  const cKeyBill = cBill + idemUnits

  requests.length = 0
  const again = await startConversation(doc, table, {
    recipientUuid: alice,
    message: newMessage(bob, text100),
  })
  t.equal(again.created, false)
  t.equal(requests.length, 2, 'a repeated start is two requests (the cancelled D, then C)')

  for (let i = 0; i < 30; i++) {
    await sendMessage(doc, table, { conversationUuid: conv, message: newMessage(bob, text100) })
  }
  requests.length = 0
  const a = await listMessages(doc, table, { conversationUuid: conv, caller: alice, limit: 20 })
  t.same(requests, ['QueryCommand'], 'A is one request')
  t.equal(a.messages.length, 20)
  const aNext = await listMessages(doc, table, {
    conversationUuid: conv,
    caller: alice,
    limit: 20,
    ...(a.next ? { after: a.next } : {}),
  })
  requests.length = 0
  const b = await listConversations(doc, table, { user: alice, limit: 20 })
  t.same(requests, ['QueryCommand'], 'B is one request')
  t.equal(b.conversations.length, 1)
  const all = await getConversationItems(doc, table, conv)

  const figures = {
    'A first page (20 of 35 messages)': engine(a.cost),
    'A next page': engine(aNext.cost),
    'B (1 conversation)': engine(b.cost),
    C: { ...engine(c.cost), awsBilledWcu: cBill },
    'C + Idempotency-Key': { ...engine(cKey.cost), awsBilledWcu: cKeyBill },
    D: { ...engine(d.cost), awsBilledWcu: dBill },
    'D + Idempotency-Key': { awsBilledWcu: dBill + idemUnits },
    'D again (cancelled D, then C)': engine(again.cost),
    'item sizes (bytes)': {
      message: itemSize(cItems[0] ?? {}),
      entry: itemSize(cEntries[0] ?? {}),
      indexEntry: itemSize(indexEntry(cEntries[0] ?? {}, INDEX_ATTRIBUTES)),
      idempotency: itemSize(idemItem),
    },
    'whole conversation (ddb:get-conversation)': engine(all.cost),
  }
  for (const [name, f] of Object.entries(figures)) t.comment(`${name}: ${JSON.stringify(f)}`)

  t.same(
    { requests: engine(c.cost).requests, gsi: engine(c.cost).gsi },
    { requests: 1, gsi: 4 },
    'C: one request; the index sees two moves (delete + put each)',
  )
  t.equal(engine(d.cost).gsi, 2, 'D: two index puts')
  t.equal(cBill, 10, 'C as AWS bills it: 3 items x 2 (transactional) + 2 index moves x 2 = 10 WCU')
  t.equal(cKeyBill, 12, 'with an Idempotency-Key: + 2 for its record')
  t.equal(dBill, 10, 'D: 4 items x 2 + 2 index puts = 10 WCU')
  t.ok(engine(a.cost).total <= 1, 'A first page: at most 1 RCU (eventually consistent)')
  t.ok(engine(b.cost).total <= 0.5, 'B: 0.5 RCU')
})
