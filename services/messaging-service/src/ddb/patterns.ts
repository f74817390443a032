import { randomUUID } from 'node:crypto'
import type { AttributeValue, CancellationReason, ConsumedCapacity } from '@aws-sdk/client-dynamodb'
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { ContentionError, ConversationNotFoundError, IdempotencyKeyReusedError } from './errors.js'
import {
  conversationOf,
  conversationPk,
  GSI_BY_USER,
  IDEMPOTENCY_SK,
  type IdempotencyRecord,
  idempotencyPk,
  MEMBER_PREFIX,
  type MemberRecord,
  type MessageRecord,
  MSG_PREFIX,
  memberSk,
  messageSk,
  PAIR_SK,
  type PairRecord,
  pairPk,
  parseMessageSk,
  sortedPair,
  type TableKey,
  userGsiPk,
} from './keys.js'

/** What a pattern cost: the engine's ConsumedCapacity of every request, and how many requests. */
export interface Cost {
  consumed: ConsumedCapacity[]
  requests: number
}

const emptyCost = (): Cost => ({ consumed: [], requests: 0 })
function addCost(cost: Cost, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined) {
  cost.requests += 1
  if (Array.isArray(consumed)) cost.consumed.push(...consumed)
  else if (consumed) cost.consumed.push(consumed)
}

/** A message about to be stored: its id and time are fixed before the write, so retries reuse them. */
export interface NewMessage {
  messageUuid: string
  createdAt: string
  senderUuid: string
  text: string
}

export function newMessage(senderUuid: string, text: string, now: Date = new Date()): NewMessage {
  return { messageUuid: randomUUID(), createdAt: now.toISOString(), senderUuid, text }
}

/** An Idempotency-Key: the answer to store is built once the conversation is known. */
export interface Idempotency {
  key: string
  requestHash: string
  response: (conversationUuid: string) => Record<string, unknown>
  /** How long a key is remembered; DynamoDB TTL removes it afterwards. */
  ttlSeconds?: number
  now?: Date
}

export interface SendResult {
  conversationUuid: string
  /** The stored answer of an earlier request with the same key, when this was a retry. */
  replay?: Record<string, unknown>
  /** D only: whether this call created the conversation. */
  created: boolean
  /** How many member entries this message moved forward (0–2; fewer when a newer message got there first). */
  entriesUpdated: number
  cost: Cost
}

const DEFAULT_IDEMPOTENCY_TTL = 24 * 60 * 60
const MAX_ATTEMPTS = 12

// ---------------------------------------------------------------------------------------------
// A: messages of one conversation
// ---------------------------------------------------------------------------------------------

export interface ListMessagesInput {
  conversationUuid: string
  caller: string
  limit: number
  /** The key of the oldest message of the previous page (from a checked cursor). */
  after?: TableKey
}

/** A message as the patterns hand it out (keys decoded). */
export interface StoredMessage {
  conversation_uuid: string
  message_uuid: string
  sender_uuid: string
  message: string
  created_at: string
}

export function toStoredMessage(record: MessageRecord): StoredMessage {
  const { createdAt, messageUuid } = parseMessageSk(record.sk)
  return {
    conversation_uuid: conversationOf(record.pk),
    message_uuid: messageUuid,
    sender_uuid: record.sender_uuid,
    message: record.message,
    created_at: createdAt,
  }
}

export interface ListMessagesResult {
  /** Oldest → newest. */
  messages: StoredMessage[]
  next?: TableKey
  cost: Cost
}

/**
 * Pattern A: one Query, newest first, reversed for display. The first page also returns the two
 * member entries (they sort after every message), which is the membership check; later pages
 * come with a cursor bound to the caller and conversation by the route.
 */
export async function listMessages(
  doc: DynamoDBDocumentClient,
  table: string,
  input: ListMessagesInput,
): Promise<ListMessagesResult> {
  const cost = emptyCost()
  const pk = conversationPk(input.conversationUuid)
  const firstPage = !input.after
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': firstPage ? 'MSG' : MSG_PREFIX },
      ScanIndexForward: false,
      // +1 tells whether an older page exists; +2 for the member entries on the first page.
      Limit: input.limit + 1 + (firstPage ? 2 : 0),
      ...(input.after ? { ExclusiveStartKey: input.after } : {}),
      ReturnConsumedCapacity: 'INDEXES',
    }),
  )
  addCost(cost, out.ConsumedCapacity)
  const items = (out.Items ?? []) as (MessageRecord | MemberRecord)[]
  if (firstPage) {
    const members = items.filter((i): i is MemberRecord => i.sk.startsWith(MEMBER_PREFIX))
    if (!members.some((m) => m.user_uuid === input.caller)) throw new ConversationNotFoundError()
  }
  const messages = items.filter((i): i is MessageRecord => i.sk.startsWith(MSG_PREFIX))
  const page = messages.slice(0, input.limit)
  const oldest = page.at(-1)
  const next = messages.length > input.limit && oldest ? { pk, sk: oldest.sk } : undefined
  return { messages: page.reverse().map(toStoredMessage), ...(next ? { next } : {}), cost }
}

// ---------------------------------------------------------------------------------------------
// B: my conversations
// ---------------------------------------------------------------------------------------------

export interface ListConversationsInput {
  user: string
  limit: number
  after?: TableKey
}

export interface ConversationEntry {
  conversation_uuid: string
  user_uuid: string
  other_uuid: string
  last_message: string
  last_at: string
}

/** Pattern B: one Query on the user-activity index, most recent first. */
export async function listConversations(
  doc: DynamoDBDocumentClient,
  table: string,
  input: ListConversationsInput,
): Promise<{ conversations: ConversationEntry[]; next?: TableKey; cost: Cost }> {
  const cost = emptyCost()
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: GSI_BY_USER,
      KeyConditionExpression: 'gsi1pk = :u',
      ExpressionAttributeValues: { ':u': userGsiPk(input.user) },
      ScanIndexForward: false,
      Limit: input.limit + 1,
      ...(input.after ? { ExclusiveStartKey: input.after } : {}),
      ReturnConsumedCapacity: 'INDEXES',
    }),
  )
  addCost(cost, out.ConsumedCapacity)
  const items = (out.Items ?? []) as (MemberRecord & TableKey)[]
  const page = items.slice(0, input.limit)
  const last = page.at(-1)
  const next =
    items.length > input.limit && last
      ? { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }
      : undefined
  return {
    conversations: page.map((i) => ({
      conversation_uuid: conversationOf(i.pk),
      user_uuid: i.user_uuid,
      other_uuid: i.other_uuid,
      last_message: i.last_message,
      last_at: parseMessageSk(i.gsi1sk).createdAt,
    })),
    ...(next ? { next: next as TableKey } : {}),
    cost,
  }
}

// ---------------------------------------------------------------------------------------------
// C + E: send into an existing conversation
// ---------------------------------------------------------------------------------------------

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

function messageItem(table: string, conversationUuid: string, m: NewMessage): TransactItem {
  const record: MessageRecord = {
    pk: conversationPk(conversationUuid),
    sk: messageSk(m.createdAt, m.messageUuid),
    kind: 'message',
    sender_uuid: m.senderUuid,
    message: m.text,
  }
  return { Put: { TableName: table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } }
}

function idempotencyItem(
  table: string,
  user: string,
  conversationUuid: string,
  idem: Idempotency,
): TransactItem {
  const now = idem.now ?? new Date()
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const record: IdempotencyRecord = {
    pk: idempotencyPk(user, idem.key),
    sk: IDEMPOTENCY_SK,
    kind: 'idempotency',
    request_hash: idem.requestHash,
    response: idem.response(conversationUuid),
    created_at: now.toISOString(),
    expires_at: nowSeconds + (idem.ttlSeconds ?? DEFAULT_IDEMPOTENCY_TTL),
  }
  return {
    Put: {
      TableName: table,
      Item: record,
      // TTL deletion lags; an expired record no longer counts.
      ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now',
      ExpressionAttributeValues: { ':now': nowSeconds },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }
}

function entryUpdate(table: string, conversationUuid: string, slot: 0 | 1, m: NewMessage): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: { pk: conversationPk(conversationUuid), sk: memberSk(slot) },
      UpdateExpression: 'SET gsi1sk = :sk, last_message = :text',
      // Membership, and never back in time: a newer message already shown wins.
      ConditionExpression:
        'attribute_exists(pk) AND (user_uuid = :sender OR other_uuid = :sender) AND gsi1sk < :sk',
      ExpressionAttributeValues: {
        ':sk': messageSk(m.createdAt, m.messageUuid),
        ':text': m.text,
        ':sender': m.senderUuid,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }
}

interface Cancelled {
  reasons: CancellationReason[]
}

function cancellation(err: unknown): Cancelled | undefined {
  if (err && typeof err === 'object' && (err as { name?: string }).name === 'TransactionCanceledException') {
    return { reasons: (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [] }
  }
  return undefined
}

const oldItem = (reason: CancellationReason | undefined) =>
  reason?.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined

const failedCondition = (reason: CancellationReason | undefined) => reason?.Code === 'ConditionalCheckFailed'
const retryable = (reasons: CancellationReason[]) =>
  reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError')

/** Full-jitter backoff: concurrent senders into one conversation spread out instead of colliding again. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 10 * 2 ** attempt)))

/** The same key with the same request answers the stored response; with another request it is refused. */
function idempotencyOutcome(reason: CancellationReason | undefined, requestHash: string) {
  const old = oldItem(reason) as IdempotencyRecord | undefined
  if (!old || old.request_hash !== requestHash) throw new IdempotencyKeyReusedError()
  return old.response
}

/**
 * One TransactWriteItems, its cost recorded. Resolves `undefined` when it committed; when
 * DynamoDB cancelled it, the per-item reasons and the error (anything else is thrown).
 */
async function attemptTransaction(
  doc: DynamoDBDocumentClient,
  items: TransactItem[],
  cost: Cost,
): Promise<{ reasons: CancellationReason[]; err: unknown } | undefined> {
  try {
    const out = await doc.send(
      new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'INDEXES' }),
    )
    addCost(cost, out.ConsumedCapacity)
    return undefined
  } catch (err) {
    const cancelled = cancellation(err)
    if (!cancelled) throw err
    cost.requests += 1
    return { reasons: cancelled.reasons, err }
  }
}

/** The key's record (always item 0) already existed: its stored answer, or a reuse conflict. */
function replayOf(reasons: CancellationReason[], idempotency: Idempotency | undefined) {
  if (!idempotency || !failedCondition(reasons[0])) return undefined
  return { replay: idempotencyOutcome(reasons[0], idempotency.requestHash) }
}

export interface SendMessageInput {
  conversationUuid: string
  message: NewMessage
  idempotency?: Idempotency
}

/**
 * Pattern C (+E): one TransactWriteItems storing the message and moving both member entries to
 * it (plus the idempotency record). An entry whose condition fails because a newer message is
 * already shown is left out and the transaction retried, so the message is never lost and the
 * list never moves back in time. A missing entry, or one that does not name the sender, is a
 * conversation the sender may not see. Membership never changes once created, so a membership
 * proof from a cancelled attempt stays valid for the retry.
 */
export async function sendMessage(
  doc: DynamoDBDocumentClient,
  table: string,
  input: SendMessageInput,
  cost: Cost = emptyCost(),
): Promise<SendResult> {
  const { conversationUuid, message: m, idempotency } = input
  let slots: (0 | 1)[] = [0, 1]
  for (let attempt = 1; ; attempt++) {
    const items: TransactItem[] = [
      ...(idempotency ? [idempotencyItem(table, m.senderUuid, conversationUuid, idempotency)] : []),
      messageItem(table, conversationUuid, m),
      ...slots.map((slot) => entryUpdate(table, conversationUuid, slot, m)),
    ]
    const cancelled = await attemptTransaction(doc, items, cost)
    if (!cancelled) return { conversationUuid, created: false, entriesUpdated: slots.length, cost }
    const { reasons, err } = cancelled
    const offset = idempotency ? 1 : 0
    const replayed = replayOf(reasons, idempotency)
    if (replayed) return { conversationUuid, ...replayed, created: false, entriesUpdated: 0, cost }
    const stale: (0 | 1)[] = []
    slots.forEach((slot, i) => {
      const reason = reasons[offset + 1 + i]
      if (!failedCondition(reason)) return
      const entry = oldItem(reason) as MemberRecord | undefined
      if (!entry || (entry.user_uuid !== m.senderUuid && entry.other_uuid !== m.senderUuid)) {
        throw new ConversationNotFoundError()
      }
      stale.push(slot)
    })
    if (stale.length > 0) slots = slots.filter((s) => !stale.includes(s))
    else if (!retryable(reasons)) throw err
    if (attempt >= MAX_ATTEMPTS) throw new ContentionError(attempt, { cause: err })
    if (retryable(reasons)) await backoff(attempt)
  }
}

// ---------------------------------------------------------------------------------------------
// D (+E): start a conversation with someone
// ---------------------------------------------------------------------------------------------

export interface StartConversationInput {
  recipientUuid: string
  message: NewMessage
  idempotency?: Idempotency
  /** The uuid a new conversation gets (tests and the seed fix it; otherwise random). */
  conversationUuid?: string
}

function memberRecord(
  conversationUuid: string,
  slot: 0 | 1,
  user: string,
  other: string,
  m: NewMessage,
): MemberRecord {
  return {
    pk: conversationPk(conversationUuid),
    sk: memberSk(slot),
    kind: 'member',
    user_uuid: user,
    other_uuid: other,
    gsi1pk: userGsiPk(user),
    gsi1sk: messageSk(m.createdAt, m.messageUuid),
    last_message: m.text,
  }
}

/**
 * Pattern D (+E): one transaction creating the pair record, both member entries and the first
 * message. The pair record (attribute_not_exists) is what makes a second or racing start reuse
 * the winner's conversation: its cancellation reason carries the existing conversation, and the
 * message goes there through pattern C.
 */
export async function startConversation(
  doc: DynamoDBDocumentClient,
  table: string,
  input: StartConversationInput,
): Promise<SendResult> {
  const cost = emptyCost()
  const { message: m, recipientUuid, idempotency } = input
  const conversationUuid = input.conversationUuid ?? randomUUID()
  const [low, high] = sortedPair(m.senderUuid, recipientUuid)
  const pair: PairRecord = {
    pk: pairPk(low, high),
    sk: PAIR_SK,
    kind: 'pair',
    conversation_uuid: conversationUuid,
    created_at: m.createdAt,
  }
  const items: TransactItem[] = [
    ...(idempotency ? [idempotencyItem(table, m.senderUuid, conversationUuid, idempotency)] : []),
    {
      Put: {
        TableName: table,
        Item: pair,
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    { Put: { TableName: table, Item: memberRecord(conversationUuid, 0, low, high, m) } },
    { Put: { TableName: table, Item: memberRecord(conversationUuid, 1, high, low, m) } },
    messageItem(table, conversationUuid, m),
  ]
  for (let attempt = 1; ; attempt++) {
    const cancelled = await attemptTransaction(doc, items, cost)
    if (!cancelled) return { conversationUuid, created: true, entriesUpdated: 2, cost }
    const { reasons, err } = cancelled
    const offset = idempotency ? 1 : 0
    const replayed = replayOf(reasons, idempotency)
    if (replayed) return { conversationUuid, ...replayed, created: false, entriesUpdated: 0, cost }
    if (failedCondition(reasons[offset])) {
      const existing = oldItem(reasons[offset]) as PairRecord | undefined
      if (!existing) throw err
      return sendMessage(
        doc,
        table,
        { conversationUuid: existing.conversation_uuid, message: m, idempotency },
        cost,
      )
    }
    if (!retryable(reasons)) throw err
    if (attempt >= MAX_ATTEMPTS) throw new ContentionError(attempt, { cause: err })
    await backoff(attempt)
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers for the CLI and the seed (not on the request path)
// ---------------------------------------------------------------------------------------------

/** The conversation between two people, if they have one (GetItem on the pair record). */
export async function findConversation(
  doc: DynamoDBDocumentClient,
  table: string,
  a: string,
  b: string,
): Promise<{ conversationUuid?: string; cost: Cost }> {
  const cost = emptyCost()
  const out = await doc.send(
    new GetCommand({
      TableName: table,
      Key: { pk: pairPk(a, b), sk: PAIR_SK },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'INDEXES',
    }),
  )
  addCost(cost, out.ConsumedCapacity)
  const item = out.Item as PairRecord | undefined
  return { ...(item ? { conversationUuid: item.conversation_uuid } : {}), cost }
}

/** Every item of one conversation (messages oldest first, then the member entries), paginated. */
export async function getConversationItems(
  doc: DynamoDBDocumentClient,
  table: string,
  conversationUuid: string,
): Promise<{ items: Record<string, unknown>[]; cost: Cost }> {
  const cost = emptyCost()
  const items: Record<string, unknown>[] = []
  const pages = paginateQuery(
    { client: doc, pageSize: 500 },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': conversationPk(conversationUuid) },
      ReturnConsumedCapacity: 'INDEXES',
    },
  )
  for await (const page of pages) {
    addCost(cost, page.ConsumedCapacity)
    items.push(...(page.Items ?? []))
  }
  return { items, cost }
}
