import { TTL_ATTRIBUTE } from '@cruddur/dynamodb'
import type { ConversationsContext } from './context.js'
import type { ReadMovedEvent } from './events.js'
import { feedPk, READ_PREFIX, readFeedSk } from './keys.js'
import { queryAll, rangeQuery } from './queries.js'
import type { TransactItem } from './transaction.js'

/** Read events are owed to a resuming stream for 24 hours; the items live twice as long. */
const FEED_TTL_SECONDS = 48 * 3600

/** One read event as each member's feed stores it. */
export interface ReadFeedRecord {
  pk: string
  sk: string
  kind: 'read'
  conversation_uuid: string
  reader_uuid: string
  handle: string
  up_to: string
  read_seq: number
  read_at: string
  expires_at: number
}

/**
 * The feed items of one read, one per member, written in the read's own transaction: a stream
 * that resumes finds every read it missed in the table, also in a conversation whose messages
 * are old.
 */
export function readFeedItems(table: string, event: ReadMovedEvent, nowMs: number): TransactItem[] {
  return event.to.map((user) => {
    const record: ReadFeedRecord = {
      pk: feedPk(user),
      sk: readFeedSk(event.data.read_at, event.conversationUuid, event.readerUuid),
      kind: 'read',
      conversation_uuid: event.conversationUuid,
      reader_uuid: event.readerUuid,
      handle: event.data.handle,
      up_to: event.data.up_to,
      read_seq: event.readSeq,
      read_at: event.data.read_at,
      [TTL_ATTRIBUTE]: Math.floor(nowMs / 1000) + FEED_TTL_SECONDS,
    }
    return { Put: { TableName: table, Item: record } }
  })
}

export const readEventOf = (record: ReadFeedRecord, to: string[]): ReadMovedEvent => ({
  type: 'read',
  to,
  conversationUuid: record.conversation_uuid,
  readerUuid: record.reader_uuid,
  readSeq: record.read_seq,
  data: {
    message_group_uuid: record.conversation_uuid,
    handle: record.handle,
    up_to: record.up_to,
    read_at: record.read_at,
  },
})

/** The reads in a user's feed stored at `sinceIso` or later (by the writer's clock), oldest first. */
export async function readsSince(
  ctx: ConversationsContext,
  input: { userUuid: string; sinceIso: string },
): Promise<ReadMovedEvent[]> {
  const records = await queryAll<ReadFeedRecord>(
    ctx.doc,
    rangeQuery(ctx.table, feedPk(input.userUuid), `${READ_PREFIX}${input.sinceIso}`, `${READ_PREFIX}~`),
  )
  return records.map((record) => readEventOf(record, [input.userUuid]))
}
