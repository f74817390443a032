import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb'
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { addCost, type Cost } from './cost.js'
import { ContentionError } from './errors.js'

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

/** A cancelled TransactWriteItems: DynamoDB's reason per item (in item order) and the error itself. */
export interface Cancelled {
  reasons: CancellationReason[]
  err: unknown
}

/** How often a contended transaction is tried before the send answers "busy, try again". */
const MAX_ATTEMPTS = 12

function cancellationReasons(err: unknown): CancellationReason[] | undefined {
  if (err && typeof err === 'object' && (err as { name?: string }).name === 'TransactionCanceledException') {
    return (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []
  }
  return undefined
}

/**
 * One TransactWriteItems, its cost recorded. Resolves `undefined` when it committed, the
 * cancellation when DynamoDB cancelled it; any other failure is thrown.
 */
export async function attemptTransaction(
  doc: DynamoDBDocumentClient,
  items: TransactItem[],
  cost: Cost,
): Promise<Cancelled | undefined> {
  try {
    const out = await doc.send(
      new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'INDEXES' }),
    )
    addCost(cost, out.ConsumedCapacity)
    return undefined
  } catch (err) {
    const reasons = cancellationReasons(err)
    if (!reasons) throw err
    addCost(cost)
    return { reasons, err }
  }
}

/** The item a failed condition saw (ReturnValuesOnConditionCheckFailure: ALL_OLD), unmarshalled. */
export const oldItem = (reason: CancellationReason | undefined) =>
  reason?.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined

export const failedCondition = (reason: CancellationReason | undefined) =>
  reason?.Code === 'ConditionalCheckFailed'

/** Cancelled only because of other writers or throttling: the same transaction may succeed later. */
const retryable = (reasons: CancellationReason[]) =>
  reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError')

/** Full-jitter backoff: concurrent senders into one conversation spread out instead of colliding again. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 10 * 2 ** attempt)))

/**
 * Between a cancelled attempt and the next: gives up (the error as it came, or ContentionError
 * after MAX_ATTEMPTS), or waits when other writers collided. `changed`: the caller changed the
 * transaction since, so it is worth another try even without a collision.
 */
export async function beforeRetry(attempt: number, cancelled: Cancelled, changed = false): Promise<void> {
  const collided = retryable(cancelled.reasons)
  if (!collided && !changed) throw cancelled.err
  if (attempt >= MAX_ATTEMPTS) throw new ContentionError(attempt, { cause: cancelled.err })
  if (collided) await backoff(attempt)
}
