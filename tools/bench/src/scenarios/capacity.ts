/**
 * Scenario 3: capacity per access pattern, A–E, new design vs. the original, both on the same
 * DynamoDB Local. Every SDK call is metered (ReturnConsumedCapacity=INDEXES); "engine" is what
 * DynamoDB Local reported, "billed" is what AWS would charge: the engine's figures with the
 * transactional 2× applied (for the original, computed from item sizes and checked equal).
 */
import { randomUUID } from 'node:crypto'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { billItemWrite, createDocumentClient, ensureTable, sumCapacity } from '@cruddur/dynamodb'
import {
  conversationPk,
  listConversations,
  listMessages,
  messageSk,
  newMessage,
  sendMessage,
  startConversation,
} from '@cruddur/messaging-service/conversations'
import { type CapacityMeter, type MeteredCall, meterCapacity } from '../capacity-meter.js'
import { ratio } from '../stats.js'
import {
  type ActionCost,
  add,
  createOriginalTable,
  dropOriginalTable,
  OriginalDesign,
} from './original-design.js'

export interface Units {
  read: number
  write: number
}

export interface DesignCost {
  requests: number
  engine: Units
  billed: Units
  /** Units per table / index (billed). */
  byTarget: Record<string, number>
  /** Requests answered with an error (a cancelled transaction): counted, not priced. */
  failedRequests?: number
}

export interface PatternRow {
  pattern: string
  action: string
  original: DesignCost
  current: DesignCost
  /** original ÷ new, billed write units and read units (null when the new side is 0). */
  writeRatio: number | null
  readRatio: number | null
  note?: string
}

const MESSAGE =
  'Hey, are we still on for the DynamoDB study session on Thursday? I will bring the whiteboard.'

const r4 = (n: number) => Math.round(n * 10_000) / 10_000

/**
 * Engine figures as reported; billed figures: the engine's for standard calls (they match AWS's
 * rules, checked on the original design), and for TransactWriteItems computed from the item
 * images by AWS's rules (2× per KB per item; index upkeep as standard writes). A cancelled
 * transaction counts as a request but is not priced.
 */
async function billCalls(calls: MeteredCall[], meter: CapacityMeter): Promise<DesignCost> {
  const engine = sumCapacity(calls)
  const standard = sumCapacity(calls.filter((c) => c.command !== 'TransactWriteItemsCommand' && !c.failed))
  const billed = { read: standard.read, write: standard.write }
  const byTarget = { ...standard.byTarget }
  const add = (key: string, units: number) => {
    byTarget[key] = r4((byTarget[key] ?? 0) + units)
    billed.write = r4(billed.write + units)
  }
  for (const call of calls.filter((c) => c.command === 'TransactWriteItemsCommand' && !c.failed)) {
    for (const image of call.images ?? []) {
      const def = await meter.tableDef(image.table)
      const bill = billItemWrite(image.before, image.after, def, { transactional: true })
      add(image.table, bill.table)
      for (const [index, units] of Object.entries(bill.indexes)) add(`${image.table}/${index}`, units)
    }
  }
  return {
    requests: calls.length,
    engine: { read: engine.read, write: engine.write },
    billed,
    byTarget,
    ...(calls.some((c) => c.failed) ? { failedRequests: calls.filter((c) => c.failed).length } : {}),
  }
}

async function fromOriginal(meter: CapacityMeter, ...costs: ActionCost[]): Promise<DesignCost> {
  const calls = costs.flatMap((c) => c.calls) as MeteredCall[]
  const measured = await billCalls(calls, meter)
  const computed = costs.reduce((a, c) => add(a, c.billed), { read: 0, write: 0 })
  if (computed.read !== measured.billed.read || computed.write !== measured.billed.write) {
    throw new Error(
      `original design: engine ${JSON.stringify(measured.billed)} ≠ size-based ${JSON.stringify(computed)}`,
    )
  }
  return measured
}

function minus(a: DesignCost, b: DesignCost): DesignCost {
  const sub = (x: number, y: number) => Math.round((x - y) * 10_000) / 10_000
  return {
    requests: a.requests - b.requests,
    engine: { read: sub(a.engine.read, b.engine.read), write: sub(a.engine.write, b.engine.write) },
    billed: { read: sub(a.billed.read, b.billed.read), write: sub(a.billed.write, b.billed.write) },
    byTarget: {},
  }
}

function row(
  pattern: string,
  action: string,
  original: DesignCost,
  current: DesignCost,
  note?: string,
): PatternRow {
  return {
    pattern,
    action,
    original,
    current,
    writeRatio: ratio(original.billed.write, current.billed.write),
    readRatio: ratio(original.billed.read, current.billed.read),
    ...(note ? { note } : {}),
  }
}

export async function measureCapacity(client: DynamoDBClient, images: DynamoDBClient): Promise<PatternRow[]> {
  const suffix = randomUUID().slice(0, 8)
  const newTable = `bench-capacity-${suffix}`
  const oldTable = `bench-original-${suffix}`
  const meter = meterCapacity(client, { images })
  const doc = createDocumentClient(client)
  const alice = { uuid: randomUUID(), display_name: 'Andrew Brown', handle: 'andrewbrown' }
  const bob = { uuid: randomUUID(), display_name: 'Andrew Bayko', handle: 'bayko' }
  try {
    await ensureTable(client, newTable)
    await createOriginalTable(client, oldTable)
    const original = new OriginalDesign(client, oldTable, meter)

    // D: start a conversation (original: batch of 3 puts + stream Lambda).
    const oldD = await original.startConversation(alice, bob, MESSAGE)
    meter.take()
    const newD = await startConversation(doc, newTable, {
      recipientUuid: bob.uuid,
      message: newMessage(alice, MESSAGE),
    })
    const dCalls = meter.take()
    const conversation = newD.conversationUuid

    // D again between the same two people: the new design reuses the conversation.
    meter.take()
    await startConversation(doc, newTable, {
      recipientUuid: alice.uuid,
      message: newMessage(bob, MESSAGE),
    })
    const dReuseCalls = meter.take()

    // Fill both conversations to 20+ messages so A reads a full page.
    for (let i = 0; i < 20; i++) {
      await original.send(oldD.group, i % 2 ? alice : bob, `${MESSAGE} (${i})`)
      await sendMessage(doc, newTable, {
        conversationUuid: conversation,
        message: newMessage(i % 2 ? alice : bob, `${MESSAGE} (${i})`),
      })
    }

    // C (+E): send into the existing conversation.
    const oldC = await original.send(oldD.group, alice, MESSAGE)
    meter.take()
    await sendMessage(doc, newTable, {
      conversationUuid: conversation,
      message: newMessage(alice, MESSAGE),
    })
    const cCalls = meter.take()

    // E alone for the new design: C minus a transaction that writes only the message item.
    const m = newMessage(alice, MESSAGE)
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: newTable,
              Item: {
                pk: conversationPk(conversation),
                sk: messageSk(m.createdAt, m.messageUuid),
                kind: 'message',
                conversation_uuid: conversation,
                message_uuid: m.messageUuid,
                sender_uuid: m.sender.uuid,
                message: m.text,
                created_at: m.createdAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    )
    const messageOnly = await billCalls(meter.take(), meter)

    // A and B.
    const oldA = await original.listMessages(oldD.group)
    meter.take()
    const a = await listMessages(doc, newTable, {
      conversationUuid: conversation,
      caller: alice.uuid,
      limit: 20,
    })
    const aCalls = meter.take()
    if (oldA.count !== 20 || a.messages.length !== 20)
      throw new Error(`pattern A read ${a.messages.length} (original ${oldA.count}) messages, expected 20`)
    const oldB = await original.listConversations(alice)
    meter.take()
    await listConversations(doc, newTable, { user: alice.uuid, limit: 20 })
    const bCalls = meter.take()

    const c = await billCalls(cCalls, meter)
    return [
      row(
        'A',
        'list 20 messages of a conversation',
        await fromOriginal(meter, oldA),
        await billCalls(aCalls, meter),
      ),
      row('B', 'list my conversations', await fromOriginal(meter, oldB), await billCalls(bCalls, meter)),
      row('C', 'send into a conversation (incl. E)', await fromOriginal(meter, oldC.send, oldC.stream), c),
      row(
        'D',
        'start a conversation (incl. E)',
        await fromOriginal(meter, oldD),
        await billCalls(dCalls, meter),
      ),
      row(
        'D again',
        'start with the same person again',
        await fromOriginal(meter, oldD),
        await billCalls(dReuseCalls, meter),
        'new design: one transaction cancelled by the pair record (counted, not priced), then the C transaction into the existing conversation; the original simply made a second conversation',
      ),
      row(
        'E',
        'update both conversation lists',
        await fromOriginal(meter, oldC.stream),
        minus(c, messageOnly),
        'original: the stream Lambda (GSI Query, 2× DeleteItem, 2× PutItem); new: the two entry updates inside C',
      ),
    ]
  } finally {
    await dropOriginalTable(client, oldTable)
    await dropOriginalTable(client, newTable)
  }
}
