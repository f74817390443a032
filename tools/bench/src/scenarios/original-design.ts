/**
 * The ORIGINAL Cruddur messaging design, rebuilt on the same DynamoDB Local so its cost can be
 * measured beside the new one: table `pk`/`sk` with GSI `message-group-sk-index`
 * (message_group_uuid + sk, projection ALL); messages `MSG#<group>` / created_at, conversation
 * entries `GRP#<user>` / last message time. A send was one PutItem; the table's stream Lambda
 * then queried the GSI for the conversation's two entries and deleted and re-put each with the
 * new sort key (a key cannot be updated). Starting a conversation was a batch of three puts,
 * after which the same Lambda ran for the first message.
 */
import { randomUUID } from 'node:crypto'
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb'
import {
  type CallRecord,
  gsiEntrySize,
  itemSize,
  PRIMARY_KEY,
  readUnits,
  writeUnits,
} from '@cruddur/dynamodb'
import type { CapacityMeter } from '../capacity-meter.js'

export const ORIGINAL_INDEX = 'message-group-sk-index'

export interface OriginalUser {
  uuid: string
  display_name: string
  handle: string
}

/** What AWS bills for a call, computed from the item sizes we wrote or read (not from the engine). */
export interface BilledCall {
  read: number
  write: number
}

export interface ActionCost {
  calls: CallRecord[]
  billed: BilledCall
}

const s = (value: string): AttributeValue => ({ S: value })

export async function createOriginalTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        ...PRIMARY_KEY.attributes,
        { AttributeName: 'message_group_uuid', AttributeType: 'S' },
      ],
      KeySchema: [...PRIMARY_KEY.schema],
      GlobalSecondaryIndexes: [
        {
          IndexName: ORIGINAL_INDEX,
          KeySchema: [
            { AttributeName: 'message_group_uuid', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
}

export async function dropOriginalTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {})
}

/** Python's datetime.now(timezone.utc).isoformat(): what the original used as sort key. */
export function pythonIsoNow(date = new Date()): string {
  const micros = String(date.getUTCMilliseconds() * 1000).padStart(6, '0')
  return `${date.toISOString().slice(0, 19)}.${micros}+00:00`
}

function messageItem(group: string, sender: OriginalUser, message: string, createdAt: string) {
  return {
    pk: s(`MSG#${group}`),
    sk: s(createdAt),
    message_uuid: s(randomUUID()),
    message: s(message),
    user_uuid: s(sender.uuid),
    user_display_name: s(sender.display_name),
    user_handle: s(sender.handle),
  }
}

function groupItem(owner: OriginalUser, other: OriginalUser, group: string, message: string, at: string) {
  return {
    pk: s(`GRP#${owner.uuid}`),
    sk: s(at),
    message_group_uuid: s(group),
    message: s(message),
    user_uuid: s(other.uuid),
    user_display_name: s(other.display_name),
    user_handle: s(other.handle),
  }
}

/**
 * What the original stream Lambda did for one new message: GSI Query for the group's entries,
 * then per entry DeleteItem (old sort key) and PutItem (new sort key, new last message).
 */
async function streamLambda(
  client: DynamoDBClient,
  table: string,
  msg: Record<string, AttributeValue>,
): Promise<BilledCall> {
  const group = (msg.pk?.S ?? '').replace('MSG#', '')
  const out = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: ORIGINAL_INDEX,
      KeyConditionExpression: 'message_group_uuid = :g',
      ExpressionAttributeValues: { ':g': s(group) },
    }),
  )
  const items = out.Items ?? []
  const billed: BilledCall = { read: readUnits(items.reduce((a, i) => a + itemSize(i), 0)), write: 0 }
  for (const old of items) {
    await client.send(
      new DeleteItemCommand({
        TableName: table,
        Key: { pk: old.pk as AttributeValue, sk: old.sk as AttributeValue },
      }),
    )
    // The table item, plus its GSI entry.
    billed.write += writeUnits(itemSize(old)) + writeUnits(gsiEntrySize(old))
    const fresh = {
      pk: old.pk as AttributeValue,
      sk: msg.sk as AttributeValue,
      message_group_uuid: old.message_group_uuid as AttributeValue,
      message: msg.message as AttributeValue,
      user_uuid: old.user_uuid as AttributeValue,
      user_display_name: old.user_display_name as AttributeValue,
      user_handle: old.user_handle as AttributeValue,
    }
    await client.send(new PutItemCommand({ TableName: table, Item: fresh }))
    billed.write += writeUnits(itemSize(fresh)) + writeUnits(gsiEntrySize(fresh))
  }
  return billed
}

export class OriginalDesign {
  constructor(
    readonly client: DynamoDBClient,
    readonly table: string,
    readonly meter: CapacityMeter,
  ) {}

  /** D: create_message_group (batch of message + both entries), then the stream Lambda. */
  async startConversation(
    me: OriginalUser,
    other: OriginalUser,
    message: string,
  ): Promise<ActionCost & { group: string }> {
    this.meter.take()
    const group = randomUUID()
    const at = pythonIsoNow()
    const msg = messageItem(group, me, message, at)
    const mine = groupItem(me, other, group, message, at)
    const theirs = groupItem(other, me, group, message, at)
    await this.client.send(
      new BatchWriteItemCommand({
        RequestItems: { [this.table]: [msg, mine, theirs].map((Item) => ({ PutRequest: { Item } })) },
      }),
    )
    const billed: BilledCall = {
      read: 0,
      write:
        writeUnits(itemSize(msg)) +
        [mine, theirs].reduce((a, i) => a + writeUnits(itemSize(i)) + writeUnits(gsiEntrySize(i)), 0),
    }
    const stream = await streamLambda(this.client, this.table, msg)
    return { group, calls: this.meter.take(), billed: add(billed, stream) }
  }

  /** C: create_message (one PutItem), then the stream Lambda (which is E). */
  async send(
    group: string,
    me: OriginalUser,
    message: string,
  ): Promise<{ send: ActionCost; stream: ActionCost }> {
    this.meter.take()
    const msg = messageItem(group, me, message, pythonIsoNow())
    await this.client.send(new PutItemCommand({ TableName: this.table, Item: msg }))
    const send = { calls: this.meter.take(), billed: { read: 0, write: writeUnits(itemSize(msg)) } }
    const streamBilled = await streamLambda(this.client, this.table, msg)
    return { send, stream: { calls: this.meter.take(), billed: streamBilled } }
  }

  /** A: list_messages — newest 20 of the current year (the original's begins_with(sk, year)). */
  async listMessages(group: string): Promise<ActionCost & { count: number }> {
    return this.queryThisYear(`MSG#${group}`)
  }

  /** B: list_message_groups of a user. */
  async listConversations(user: OriginalUser): Promise<ActionCost & { count: number }> {
    return this.queryThisYear(`GRP#${user.uuid}`)
  }

  /** Both reads of the original: the newest 20 items of a partition whose sort key starts with this year. */
  private async queryThisYear(pk: string): Promise<ActionCost & { count: number }> {
    this.meter.take()
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk and begins_with(sk, :year)',
        ExpressionAttributeValues: { ':pk': s(pk), ':year': s(String(new Date().getUTCFullYear())) },
        ScanIndexForward: false,
        Limit: 20,
      }),
    )
    const items = out.Items ?? []
    return {
      count: items.length,
      calls: this.meter.take(),
      billed: { read: readUnits(items.reduce((a, i) => a + itemSize(i), 0)), write: 0 },
    }
  }
}

export function add(a: BilledCall, b: BilledCall): BilledCall {
  return { read: a.read + b.read, write: a.write + b.write }
}
