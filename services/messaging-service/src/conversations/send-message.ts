import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CallerInput, ConversationsContext } from './context.js'
import { type Cost, emptyCost } from './cost.js'
import { callerOf } from './directory.js'
import { ConversationNotFoundError } from './errors.js'
import { type IdempotencyKey, idempotencyItem, sendRequestHash, storedAnswer } from './idempotency.js'
import { conversationPk, memberSk, messageSk } from './keys.js'
import { type NewMessage, newMessage, type SentMessage, toSentMessage } from './message.js'
import type { MemberRecord, MessageRecord } from './records.js'
import {
  attemptTransaction,
  beforeRetry,
  failedCondition,
  oldItem,
  type TransactItem,
} from './transaction.js'

export interface SendMessageInput {
  conversationUuid: string
  message: NewMessage
  idempotency?: IdempotencyKey | undefined
}

/** What a send (or a start) did. */
export interface SendResult {
  /** The conversation the message is in. */
  conversationUuid: string
  /** The answer: the message as stored, or the stored answer of an earlier request with the same key. */
  sent: SentMessage
  /** True when `sent` is the stored answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean
  /** Start only: whether this call created the conversation. */
  created: boolean
  /** How many member entries this message moved forward (0–2; fewer when a newer message got there first). */
  entriesUpdated: number
  cost: Cost
}

export function messageItem(table: string, conversationUuid: string, m: NewMessage): TransactItem {
  const record: MessageRecord = {
    pk: conversationPk(conversationUuid),
    sk: messageSk(m.createdAt, m.messageUuid),
    kind: 'message',
    sender_uuid: m.sender.uuid,
    message: m.text,
  }
  return { Put: { TableName: table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } }
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
        ':sender': m.sender.uuid,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }
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
  const sent = toSentMessage(conversationUuid, m)
  const offset = idempotency ? 1 : 0
  const outcome = (answer: SentMessage, how: { replayed: boolean; entriesUpdated: number }): SendResult => ({
    conversationUuid: answer.message_group_uuid,
    sent: answer,
    created: false,
    cost,
    ...how,
  })
  let slots: (0 | 1)[] = [0, 1]
  for (let attempt = 1; ; attempt++) {
    const items: TransactItem[] = [
      ...(idempotency ? [idempotencyItem(table, m.sender.uuid, idempotency, sent)] : []),
      messageItem(table, conversationUuid, m),
      ...slots.map((slot) => entryUpdate(table, conversationUuid, slot, m)),
    ]
    const cancelled = await attemptTransaction(doc, items, cost)
    if (!cancelled) return outcome(sent, { replayed: false, entriesUpdated: slots.length })
    const { reasons } = cancelled
    const stored = storedAnswer(reasons, idempotency)
    if (stored) return outcome(stored, { replayed: true, entriesUpdated: 0 })
    const stale = slots.filter((_slot, i) => {
      const reason = reasons[offset + 1 + i]
      if (!failedCondition(reason)) return false
      const entry = oldItem(reason) as MemberRecord | undefined
      if (!entry || (entry.user_uuid !== m.sender.uuid && entry.other_uuid !== m.sender.uuid)) {
        throw new ConversationNotFoundError()
      }
      return true
    })
    slots = slots.filter((s) => !stale.includes(s))
    await beforeRetry(attempt, cancelled, stale.length > 0)
  }
}

export interface SendInput extends CallerInput {
  conversationUuid: string
  text: string
  idempotencyKey?: string | undefined
}

/** POST /api/messages into a conversation: the caller must be one of its two people. */
export async function send(ctx: ConversationsContext, input: SendInput): Promise<SentMessage> {
  const me = await callerOf(ctx.directory, input.callerSub, input.requestId)
  const conversationUuid = input.conversationUuid.toLowerCase()
  const idempotency = input.idempotencyKey
    ? { key: input.idempotencyKey, requestHash: sendRequestHash(input.text, { conversationUuid }) }
    : undefined
  const result = await sendMessage(ctx.doc, ctx.table, {
    conversationUuid,
    message: newMessage(me, input.text),
    idempotency,
  })
  return result.sent
}
