import { randomUUID } from 'node:crypto'
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb'
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { marshall } from '@aws-sdk/util-dynamodb'
import {
  billItemWrite,
  billingTableDef,
  GSI_BY_USER,
  indexEntrySize,
  itemSize,
  readUnits,
} from '@cruddur/dynamodb'
import t from 'tap'
import {
  type Cost,
  conversationPk,
  getConversationItems,
  IDEMPOTENCY_SK,
  idempotencyPk,
  listConversations,
  listMessages,
  MEMBER_PREFIX,
  messageSk,
  newMessage,
  PAIR_SK,
  pairPk,
  sendMessage,
  startConversation,
} from '../src/conversations/index.js'
import { person, testTable } from './ddb-helper.js'

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

type Item = Record<string, unknown>
const tableDef = billingTableDef()
const index = tableDef.indexes.find((i) => i.name === GSI_BY_USER)
if (!index) throw new Error(`no ${GSI_BY_USER} in the billing definition`)
const av = (item: Item) => marshall(item, { removeUndefinedValues: true })
/** What AWS bills for one item a transaction wrote: the table write (×2) plus its index upkeep. */
function billed(before: Item | undefined, after: Item) {
  const bill = billItemWrite(before && av(before), av(after), tableDef, { transactional: true })
  return bill.table + Object.values(bill.indexes).reduce((s, u) => s + u, 0)
}
const text100 = 'x'.repeat(100)

t.test('consumed capacity of each pattern: DynamoDB Local figures and the AWS bill', async (t) => {
  const { doc, table, requests } = await testTable(t, 'test-capacity')
  const get = async (pk: string, sk: string) =>
    (await doc.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item as Record<string, unknown>
  const [alice, bob] = [randomUUID(), randomUUID()]
  // The record stores the POST answer, with the sender's name and handle as the directory has them.
  const idem = (key: string) => ({ key, requestHash: 'h'.repeat(43) })
  const andrew = { uuid: alice, display_name: 'Andrew Brown', handle: 'andrewbrown' }

  // D: pair + two member entries + message (+ idempotency record) in one transaction.
  requests.length = 0
  const first = newMessage(person(alice), text100)
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
  const dBill = dItems.reduce((s, i) => s + billed(undefined, i), 0)

  // C: message + both member entries moved forward (+ idempotency record).
  const dEntries = await entries()
  requests.length = 0
  const m = newMessage(person(bob), text100)
  const c = await sendMessage(doc, table, { conversationUuid: conv, message: m })
  t.same(requests, ['TransactWriteItemsCommand'], 'C is one request')
  const cEntries = await entries()
  const cItems = [await get(conversationPk(conv), messageSk(m.createdAt, m.messageUuid)), ...cEntries]
  // Moving an index sort key is a delete plus a put in the index.
  const cBill =
    billed(undefined, cItems[0] ?? {}) + cEntries.reduce((s, e, i) => s + billed(dEntries[i], e), 0)

  requests.length = 0
  const mk = newMessage(andrew, text100)
  const cKey = await sendMessage(doc, table, {
    conversationUuid: conv,
    message: mk,
    idempotency: idem(randomUUID()),
  })
  t.equal(requests.length, 1, 'C with an Idempotency-Key is still one request')
  const key2 = randomUUID()
  await sendMessage(doc, table, {
    conversationUuid: conv,
    message: newMessage(andrew, text100),
    idempotency: idem(key2),
  })
  const idemItem = await get(idempotencyPk(alice, key2), IDEMPOTENCY_SK)
  const idemUnits = billed(undefined, idemItem)
  const cKeyBill = cBill + idemUnits

  requests.length = 0
  const again = await startConversation(doc, table, {
    recipientUuid: alice,
    message: newMessage(person(bob), text100),
  })
  t.equal(again.created, false)
  t.equal(requests.length, 2, 'a repeated start is two requests (the cancelled D, then C)')

  for (let i = 0; i < 30; i++) {
    await sendMessage(doc, table, { conversationUuid: conv, message: newMessage(person(bob), text100) })
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
  t.equal(aNext.cost.requests, 2, 'a later page: the page Query and, beside it, the membership Query')
  // The membership check of a later page on its own: the two member entries, one Query.
  const membership = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': conversationPk(conv), ':prefix': MEMBER_PREFIX },
      Limit: 2,
      ReturnConsumedCapacity: 'INDEXES',
    }),
  )
  const members = (membership.Items ?? []) as Item[]
  t.equal(members.length, 2)
  const membershipEngine = membership.ConsumedCapacity?.CapacityUnits ?? 0
  // A Query sums its items' sizes, then bills 0.5 RCU per started 4 KB (eventually consistent).
  const membershipBilled = readUnits(members.reduce((sum, e) => sum + itemSize(av(e)), 0))
  t.equal(membershipBilled, 0.5, 'the membership check of a later page: AWS bills 0.5 RCU more')
  t.ok(membershipEngine <= 0.5, `DynamoDB Local reports ${membershipEngine} RCU for it`)
  t.ok(engine(aNext.cost).total <= 1.5, 'a later page of 20: at most 1.5 RCU in all')
  requests.length = 0
  const b = await listConversations(doc, table, { user: alice, limit: 20 })
  t.same(requests, ['QueryCommand'], 'B is one request')
  t.equal(b.conversations.length, 1)
  const all = await getConversationItems(doc, table, conv)

  const figures = {
    'A first page (20 of 35 messages)': engine(a.cost),
    'A next page': engine(aNext.cost),
    'A next page, membership check alone': { engine: membershipEngine, awsBilledRcu: membershipBilled },
    'B (1 conversation)': engine(b.cost),
    C: { ...engine(c.cost), awsBilledWcu: cBill },
    'C + Idempotency-Key': { ...engine(cKey.cost), awsBilledWcu: cKeyBill },
    D: { ...engine(d.cost), awsBilledWcu: dBill },
    'D + Idempotency-Key': { awsBilledWcu: dBill + idemUnits },
    'D again (cancelled D, then C)': engine(again.cost),
    'item sizes (bytes)': {
      message: itemSize(av(cItems[0] ?? {})),
      entry: itemSize(av(cEntries[0] ?? {})),
      indexEntry: indexEntrySize(av(cEntries[0] ?? {}), tableDef, index),
      idempotency: itemSize(av(idemItem)),
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
