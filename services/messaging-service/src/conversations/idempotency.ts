import { createHash } from 'node:crypto'
import type { CancellationReason } from '@aws-sdk/client-dynamodb'
import { IdempotencyKeyReusedError } from './errors.js'
import { IDEMPOTENCY_SK, idempotencyPk } from './keys.js'
import type { SentMessage } from './message.js'
import type { IdempotencyRecord } from './records.js'
import { failedCondition, oldItem, type TransactItem } from './transaction.js'

/** An Idempotency-Key of a send: the key, the hash of what was asked, and how long it is kept. */
export interface IdempotencyKey {
  key: string
  requestHash: string
  /** How long a key is remembered; DynamoDB TTL removes it afterwards. */
  ttlSeconds?: number
  now?: Date
}

const DEFAULT_TTL_SECONDS = 24 * 60 * 60

/** What a retry must repeat to count as the same request: the text and the target. */
export function sendRequestHash(text: string, target: { conversationUuid: string } | { handle: string }) {
  const parts =
    'conversationUuid' in target
      ? [text, target.conversationUuid.toLowerCase(), null]
      : [text, null, target.handle.toLowerCase()]
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url')
}

/** The key's record, always the transaction's first item: it commits with the send, or not at all. */
export function idempotencyItem(
  table: string,
  sender: string,
  idem: IdempotencyKey,
  answer: SentMessage,
): TransactItem {
  const now = idem.now ?? new Date()
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const record: IdempotencyRecord = {
    pk: idempotencyPk(sender, idem.key),
    sk: IDEMPOTENCY_SK,
    kind: 'idempotency',
    request_hash: idem.requestHash,
    response: answer,
    created_at: now.toISOString(),
    expires_at: nowSeconds + (idem.ttlSeconds ?? DEFAULT_TTL_SECONDS),
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

/**
 * The key's record (item 0) already existed: the answer it stored when the request is the same,
 * a reuse conflict when it is not; undefined when the key played no part in the cancellation.
 */
export function storedAnswer(
  reasons: CancellationReason[],
  idem: IdempotencyKey | undefined,
): SentMessage | undefined {
  if (!idem || !failedCondition(reasons[0])) return undefined
  const old = oldItem(reasons[0]) as IdempotencyRecord | undefined
  if (!old || old.request_hash !== idem.requestHash) throw new IdempotencyKeyReusedError()
  return old.response
}
