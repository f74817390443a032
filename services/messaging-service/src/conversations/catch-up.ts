import { GSI_BY_USER } from '@cruddur/dynamodb'
import type { ConversationsContext } from './context.js'
import { line } from './directory.js'
import type { MessageStoredEvent } from './events.js'
import { conversationOf, conversationPk, MSG_PREFIX, parseMessageSk, userGsiPk } from './keys.js'
import { queryAll, rangeQuery } from './queries.js'
import type { MemberRecord, MessageRecord } from './records.js'

/** A conversation with a message since some time: where its newest message is. */
export interface ActiveConversation {
  conversationUuid: string
  members: [string, string]
  seq: number
  lastAt: string
}

/** The caller's conversations whose newest message is after `sinceIso` (the user-activity index). */
export async function activeSince(
  ctx: ConversationsContext,
  input: { userUuid: string; sinceIso: string },
): Promise<ActiveConversation[]> {
  const entries = await queryAll<MemberRecord>(ctx.doc, {
    TableName: ctx.table,
    IndexName: GSI_BY_USER,
    KeyConditionExpression: 'gsi1pk = :u AND gsi1sk > :since',
    ExpressionAttributeValues: {
      ':u': userGsiPk(input.userUuid),
      ':since': `${MSG_PREFIX}${input.sinceIso}`,
    },
  })
  return entries.map((e) => ({
    conversationUuid: conversationOf(e.pk),
    members: [e.user_uuid, e.other_uuid],
    seq: e.seq ?? 0,
    lastAt: parseMessageSk(e.gsi1sk).createdAt,
  }))
}

/**
 * A conversation's messages stored at `fromIso` or later, oldest first, as the stream delivers
 * them (strongly consistent: a message whose event was published is there). Within a
 * conversation times strictly increase with seq, so "after seq n" is "from n's time + 1 ms".
 */
export async function messagesFrom(
  ctx: ConversationsContext,
  input: { conversationUuid: string; members: [string, string]; fromIso: string; requestId?: string },
): Promise<MessageStoredEvent[]> {
  // 'MSG#~' sorts after every message key and before the member entries ('MSG~MEMBER#').
  const records = await queryAll<MessageRecord>(
    ctx.doc,
    rangeQuery(
      ctx.table,
      conversationPk(input.conversationUuid),
      `${MSG_PREFIX}${input.fromIso}`,
      `${MSG_PREFIX}~`,
    ),
  )
  if (records.length === 0) return []
  const people = await ctx.directory.byUuids([...new Set(records.map((r) => r.sender_uuid))], input.requestId)
  return records.map((r) => {
    const { createdAt, messageUuid } = parseMessageSk(r.sk)
    const shown = line(messageUuid, people.get(r.sender_uuid), r.message, createdAt)
    return {
      type: 'message',
      to: [...input.members],
      conversationUuid: input.conversationUuid,
      seq: r.seq ?? 0,
      data: { message_group_uuid: input.conversationUuid, ...shown },
    }
  })
}
