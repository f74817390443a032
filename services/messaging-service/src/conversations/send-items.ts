import { type IdempotencyKey, idempotencyItem } from './idempotency.js'
import { conversationPk, memberSk, messageSk } from './keys.js'
import { type NewMessage, toSentMessage } from './message.js'
import type { MessageRecord } from './records.js'
import { advance, placed, type SequenceState } from './sequence.js'
import type { TransactItem } from './transaction.js'

/* The items of one send's TransactWriteItems (pattern C), built on where the sequence stands. */

/** The message record: its text, sender, seq, and each member's received count after it. */
export function messageItem(
  table: string,
  conversationUuid: string,
  m: NewMessage,
  seq: number,
  received: [number, number],
): TransactItem {
  const record: MessageRecord = {
    pk: conversationPk(conversationUuid),
    sk: messageSk(m.createdAt, m.messageUuid),
    kind: 'message',
    sender_uuid: m.sender.uuid,
    message: m.text,
    seq,
    received_0: received[0],
    received_1: received[1],
  }
  return { Put: { TableName: table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } }
}

function entryUpdate(
  table: string,
  conversationUuid: string,
  slot: 0 | 1,
  m: NewMessage,
  prev: SequenceState,
  received: number,
): TransactItem {
  const seqMatches = prev.seq === 0 ? 'attribute_not_exists(seq)' : 'seq = :prev'
  return {
    Update: {
      TableName: table,
      Key: { pk: conversationPk(conversationUuid), sk: memberSk(slot) },
      UpdateExpression: 'SET gsi1sk = :sk, last_message = :text, seq = :next, received = :received',
      // Membership, and the compare-and-set that orders the conversation: only the writer that
      // saw the current seq may store the next one.
      ConditionExpression: `attribute_exists(pk) AND (user_uuid = :sender OR other_uuid = :sender) AND ${seqMatches}`,
      ExpressionAttributeValues: {
        ':sk': messageSk(m.createdAt, m.messageUuid),
        ':text': m.text,
        ':sender': m.sender.uuid,
        ':next': prev.seq + 1,
        ':received': received,
        ...(prev.seq === 0 ? {} : { ':prev': prev.seq }),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  }
}

/**
 * The transaction of one send built on `state`: the message placed after the newest one, the
 * record of it, both member entries moved to it (and the idempotency record), and the state it
 * leads to once committed.
 */
export function sendTransaction(
  table: string,
  conversationUuid: string,
  message: NewMessage,
  state: SequenceState,
  idempotency?: IdempotencyKey,
) {
  const m = placed(message, state)
  const next = advance(state, m)
  const sent = toSentMessage(conversationUuid, m)
  const items: TransactItem[] = [
    ...(idempotency ? [idempotencyItem(table, m.sender.uuid, idempotency, sent)] : []),
    messageItem(table, conversationUuid, m, next.seq, next.received),
    entryUpdate(table, conversationUuid, 0, m, state, next.received[0]),
    entryUpdate(table, conversationUuid, 1, m, state, next.received[1]),
  ]
  return { m, next, sent, items }
}
