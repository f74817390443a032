import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { CallerInput, ConversationsContext } from './context.js'
import { addCost, type Cost, emptyCost } from './cost.js'
import { callerOf } from './directory.js'
import { ConversationNotFoundError, MessageNotFoundError } from './errors.js'
import type { ReadMovedEvent } from './events.js'
import { conversationPk, MSG_PREFIX, parseMessageSk } from './keys.js'
import { publish } from './publish.js'
import { prefixQuery } from './queries.js'
import { readFeedItems } from './read-feed.js'
import type { MemberRecord, MessageRecord } from './records.js'
import { readMemberEntries } from './sequence.js'
import { attemptTransaction, beforeRetry, failedCondition } from './transaction.js'
import { unreadCount } from './unread.js'

export interface MarkReadInput extends CallerInput {
  conversationUuid: string
  /** The message read up to (default: the newest). */
  upTo?: string | undefined
}

/** Where the caller's read position is after the call. */
export interface ReadPosition {
  message_group_uuid: string
  up_to: string
  unread_count: number
}

/** A message the position may move to: its uuid, seq, and the reader's received count at it. */
interface Target {
  uuid: string
  seq: number
  received: number
}

/** Messages in a page of the newest-first walk looking for `up_to`. */
const WALK_PAGE = 100

/**
 * `up_to` among the messages after the reader's position, newest first. The walk stops at the
 * position: a message at or before it cannot move it, so what it costs is bounded by the unread
 * messages, not by the conversation's length.
 */
async function findTarget(
  doc: DynamoDBDocumentClient,
  table: string,
  conversationUuid: string,
  slot: 0 | 1,
  upTo: string,
  readSeq: number,
  cost: Cost,
): Promise<Target | undefined> {
  let after: Record<string, unknown> | undefined
  do {
    const out = await doc.send(
      new QueryCommand(
        prefixQuery(table, conversationPk(conversationUuid), MSG_PREFIX, {
          ScanIndexForward: false,
          Limit: WALK_PAGE,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      ),
    )
    addCost(cost, out.ConsumedCapacity)
    for (const item of (out.Items ?? []) as MessageRecord[]) {
      const seq = item.seq ?? 0
      if (parseMessageSk(item.sk).messageUuid === upTo) {
        return { uuid: upTo, seq, received: (slot === 0 ? item.received_0 : item.received_1) ?? 0 }
      }
      if (seq <= readSeq) return undefined
    }
    after = out.LastEvaluatedKey
  } while (after)
  return undefined
}

const answer = (conversationUuid: string, entry: MemberRecord): ReadPosition => ({
  message_group_uuid: conversationUuid,
  up_to: entry.read_uuid as string,
  unread_count: unreadCount(entry),
})

/**
 * One transaction: the reader's entry moves to the target (only forward: `read_seq < :seq`), and
 * the read goes into both members' feeds. False when a racing read had already moved it as far.
 */
async function moveReadPosition(
  ctx: ConversationsContext,
  mine: MemberRecord,
  target: Target,
  event: ReadMovedEvent,
  nowMs: number,
  cost: Cost,
): Promise<boolean> {
  const items = [
    {
      Update: {
        TableName: ctx.table,
        Key: { pk: mine.pk, sk: mine.sk },
        UpdateExpression: 'SET read_seq = :seq, read_received = :received, read_uuid = :uuid, read_at = :at',
        ConditionExpression: 'user_uuid = :me AND (attribute_not_exists(read_seq) OR read_seq < :seq)',
        ExpressionAttributeValues: {
          ':seq': target.seq,
          ':received': target.received,
          ':uuid': target.uuid,
          ':at': event.data.read_at,
          ':me': event.readerUuid,
        },
      },
    },
    ...readFeedItems(ctx.table, event, nowMs),
  ]
  for (let attempt = 1; ; attempt++) {
    const cancelled = await attemptTransaction(ctx.doc, items, cost)
    if (!cancelled) return true
    if (failedCondition(cancelled.reasons[0])) return false
    await beforeRetry(attempt, cancelled)
  }
}

/** The entry as it is now (strongly consistent): its unread count counts every send stored so far. */
async function readEntry(ctx: ConversationsContext, mine: MemberRecord): Promise<MemberRecord> {
  const out = await ctx.doc.send(
    new GetCommand({ TableName: ctx.table, Key: { pk: mine.pk, sk: mine.sk }, ConsistentRead: true }),
  )
  return (out.Item as MemberRecord | undefined) ?? mine
}

/**
 * POST /api/message_groups/:uuid/read: moves the caller's read position forward to `up_to` (or
 * the newest message), never back. The position and `read_received` move in one conditional
 * write (`read_seq < :seq`), so two racing reads end at the later message; the unread count
 * answered is the entry's own read back after it, exact however many sends race with it. The
 * other member hears of it (a `read` event) only when the position moved.
 */
export async function markRead(ctx: ConversationsContext, input: MarkReadInput): Promise<ReadPosition> {
  const cost = emptyCost()
  const me = await callerOf(ctx.directory, input.callerSub, input.requestId)
  const conversationUuid = input.conversationUuid.toLowerCase()
  const entries = await readMemberEntries(ctx.doc, ctx.table, conversationUuid, cost)
  const mine = entries?.find((e) => e.user_uuid === me.uuid)
  if (!mine) throw new ConversationNotFoundError()
  const slot = mine.sk.endsWith('0') ? 0 : 1
  const readSeq = mine.read_seq ?? -1
  const newest = parseMessageSk(mine.gsi1sk).messageUuid
  const target: Target | undefined =
    input.upTo === undefined || input.upTo.toLowerCase() === newest
      ? { uuid: newest, seq: mine.seq ?? 0, received: mine.received ?? 0 }
      : await findTarget(ctx.doc, ctx.table, conversationUuid, slot, input.upTo.toLowerCase(), readSeq, cost)
  if (!target || target.seq <= readSeq) {
    // Nothing to move: the position stays where it is (an up_to that is no message at all, with no position yet, is a 404).
    if (mine.read_uuid === undefined) throw new MessageNotFoundError()
    return answer(conversationUuid, mine)
  }
  const nowMs = ctx.now?.() ?? Date.now()
  const event: ReadMovedEvent = {
    type: 'read',
    to: [mine.user_uuid, mine.other_uuid],
    conversationUuid,
    readerUuid: me.uuid,
    readSeq: target.seq,
    data: {
      message_group_uuid: conversationUuid,
      handle: me.handle,
      up_to: target.uuid,
      read_at: new Date(nowMs).toISOString(),
    },
  }
  const moved = await moveReadPosition(ctx, mine, target, event, nowMs, cost)
  if (moved) publish(ctx, event)
  return answer(conversationUuid, await readEntry(ctx, mine))
}
