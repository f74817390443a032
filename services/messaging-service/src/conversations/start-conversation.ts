import { randomUUID } from 'node:crypto'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CallerInput, ConversationsContext } from './context.js'
import { emptyCost } from './cost.js'
import { callerOf } from './directory.js'
import { CannotMessageSelfError, RecipientNotFoundError } from './errors.js'
import { type IdempotencyKey, idempotencyItem, sendRequestHash, storedAnswer } from './idempotency.js'
import { conversationPk, memberSk, messageSk, PAIR_SK, pairPk, sortedPair, userGsiPk } from './keys.js'
import { type NewMessage, newMessage, type SentMessage, toSentMessage } from './message.js'
import { publishSent } from './publish.js'
import type { MemberRecord, PairRecord } from './records.js'
import { messageItem } from './send-items.js'
import {
  type SendResult,
  type SequenceOptions,
  sendMessage,
  sequenceKey,
  sharedSequences,
} from './send-message.js'
import { attemptTransaction, beforeRetry, failedCondition, oldItem } from './transaction.js'

export interface StartConversationInput {
  recipientUuid: string
  message: NewMessage
  idempotency?: IdempotencyKey | undefined
  /** The uuid a new conversation gets (tests and the seed fix it; otherwise random). */
  conversationUuid?: string
}

function memberRecord(
  conversationUuid: string,
  slot: 0 | 1,
  user: string,
  other: string,
  m: NewMessage,
  received: number,
) {
  const record: MemberRecord = {
    pk: conversationPk(conversationUuid),
    sk: memberSk(slot),
    kind: 'member',
    user_uuid: user,
    other_uuid: other,
    gsi1pk: userGsiPk(user),
    gsi1sk: messageSk(m.createdAt, m.messageUuid),
    last_message: m.text,
    seq: 1,
    received,
  }
  return record
}

/**
 * Pattern D (+E): one transaction creating the pair lock, both member entries and the first
 * message. The pair lock (attribute_not_exists) is what makes a second or racing start reuse the
 * winner's conversation: its cancellation reason names the existing conversation, and the
 * message goes there through pattern C. A conversation needs two people.
 */
export async function startConversation(
  doc: DynamoDBDocumentClient,
  table: string,
  input: StartConversationInput,
  options: SequenceOptions = {},
): Promise<SendResult> {
  const cost = emptyCost()
  const { message: m, recipientUuid, idempotency } = input
  if (recipientUuid === m.sender.uuid) throw new CannotMessageSelfError()
  const conversationUuid = input.conversationUuid ?? randomUUID()
  const sent = toSentMessage(conversationUuid, m)
  const [low, high] = sortedPair(m.sender.uuid, recipientUuid)
  const pair: PairRecord = {
    pk: pairPk(low, high),
    sk: PAIR_SK,
    kind: 'pair',
    conversation_uuid: conversationUuid,
    created_at: m.createdAt,
  }
  const offset = idempotency ? 1 : 0
  // The first message: seq 1; the recipient has received one message, the sender none.
  const received: [number, number] = low === recipientUuid ? [1, 0] : [0, 1]
  const items = [
    ...(idempotency ? [idempotencyItem(table, m.sender.uuid, idempotency, sent)] : []),
    {
      Put: {
        TableName: table,
        Item: pair,
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    },
    { Put: { TableName: table, Item: memberRecord(conversationUuid, 0, low, high, m, received[0]) } },
    { Put: { TableName: table, Item: memberRecord(conversationUuid, 1, high, low, m, received[1]) } },
    messageItem(table, conversationUuid, m, 1, received),
  ]
  for (let attempt = 1; ; attempt++) {
    const cancelled = await attemptTransaction(doc, items, cost)
    if (!cancelled) {
      const members: [string, string] = [low, high]
      // The next send into it builds on this without reading the entries first.
      const state = { members, seq: 1, lastAtMs: Date.parse(m.createdAt), received }
      ;(options.sequences ?? sharedSequences).set(sequenceKey(table, conversationUuid), state)
      return {
        conversationUuid,
        sent,
        replayed: false,
        created: true,
        entriesUpdated: 2,
        seq: 1,
        members,
        cost,
      }
    }
    const { reasons, err } = cancelled
    const stored = storedAnswer(reasons, idempotency)
    if (stored) {
      const into = stored.message_group_uuid
      const members: [string, string] = [low, high]
      return {
        conversationUuid: into,
        sent: stored,
        replayed: true,
        created: false,
        entriesUpdated: 0,
        seq: 0,
        members,
        cost,
      }
    }
    if (failedCondition(reasons[offset])) {
      const existing = oldItem(reasons[offset]) as PairRecord | undefined
      if (!existing) throw err
      const into = { conversationUuid: existing.conversation_uuid, message: m, idempotency }
      return sendMessage(doc, table, into, cost, options)
    }
    await beforeRetry(attempt, cancelled)
  }
}

export interface StartInput extends CallerInput {
  /** The recipient's handle, as typed (case-insensitive; a leading @ and spaces are not part of it). */
  handle: string
  text: string
  idempotencyKey?: string | undefined
}

/** POST /api/messages to a person: their conversation with the caller, started if there is none yet. */
export async function start(ctx: ConversationsContext, input: StartInput): Promise<SentMessage> {
  const me = await callerOf(ctx.directory, input.callerSub, input.requestId)
  const recipient = await ctx.directory.byHandle(input.handle, input.requestId)
  if (!recipient) throw new RecipientNotFoundError(input.handle)
  const idempotency = input.idempotencyKey
    ? { key: input.idempotencyKey, requestHash: sendRequestHash(input.text, { handle: input.handle }) }
    : undefined
  const result = await startConversation(
    ctx.doc,
    ctx.table,
    {
      recipientUuid: recipient.uuid,
      message: newMessage(me, input.text, new Date(ctx.now?.() ?? Date.now())),
      idempotency,
    },
    { sequences: ctx.sequences },
  )
  publishSent(ctx, result)
  return result.sent
}
