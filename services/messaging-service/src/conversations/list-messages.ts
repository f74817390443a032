import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { MessageItem } from '@cruddur/types'
import type { ConversationsContext } from './context.js'
import { addCost, type Cost, emptyCost } from './cost.js'
import { line } from './directory.js'
import { ConversationNotFoundError } from './errors.js'
import {
  conversationOf,
  conversationPk,
  MEMBER_PREFIX,
  MSG_PREFIX,
  parseMessageSk,
  type TableKey,
} from './keys.js'
import { callerPage, type Page, type PageInput } from './page.js'
import type { MemberRecord, MessageRecord } from './records.js'

export interface ListMessagesInput {
  conversationUuid: string
  caller: string
  limit: number
  /** The key of the oldest message of the previous page (from a checked cursor). */
  after?: TableKey | undefined
}

export interface ListMessagesResult {
  /** Oldest → newest. */
  messages: StoredMessage[]
  next?: TableKey
  cost: Cost
}

/** A message as listing hands it out (keys decoded; the sender by uuid). */
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

type Item = MessageRecord | MemberRecord
const isMember = (i: Item): i is MemberRecord => i.sk.startsWith(MEMBER_PREFIX)
const isMessage = (i: Item): i is MessageRecord => i.sk.startsWith(MSG_PREFIX)

/**
 * Pattern A: one Query, newest first, reversed for display. The first page also returns the two
 * member entries (they sort after every message), which is the membership check. A later page
 * starts below them, so it reads the two entries with a second Query beside it: a valid cursor
 * never stands in for membership.
 */
export async function listMessages(
  doc: DynamoDBDocumentClient,
  table: string,
  input: ListMessagesInput,
): Promise<ListMessagesResult> {
  const cost = emptyCost()
  const pk = conversationPk(input.conversationUuid)
  const query = (prefix: string, limit: number, after?: TableKey) =>
    doc
      .send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          ScanIndexForward: false,
          Limit: limit,
          ...(after ? { ExclusiveStartKey: after } : {}),
          ReturnConsumedCapacity: 'INDEXES',
        }),
      )
      .then((out) => {
        addCost(cost, out.ConsumedCapacity)
        return (out.Items ?? []) as Item[]
      })
  // +1 tells whether an older page exists; +2 for the member entries on the first page.
  const [items, entries]: [Item[], Item[]] = input.after
    ? await Promise.all([query(MSG_PREFIX, input.limit + 1, input.after), query(MEMBER_PREFIX, 2)])
    : await query('MSG', input.limit + 3).then((all) => [all, all])
  if (!entries.filter(isMember).some((m) => m.user_uuid === input.caller))
    throw new ConversationNotFoundError()
  const messages = items.filter(isMessage)
  const page = messages.slice(0, input.limit)
  const oldest = page.at(-1)
  const next = messages.length > input.limit && oldest ? { pk, sk: oldest.sk } : undefined
  return { messages: page.reverse().map(toStoredMessage), ...(next ? { next } : {}), cost }
}

export interface MessagesPageInput extends PageInput {
  conversationUuid: string
}

/** GET /api/messages/:uuid: a page of one conversation the caller belongs to, each message with its sender. */
export function messagesPage(
  ctx: ConversationsContext,
  input: MessagesPageInput,
): Promise<Page<MessageItem>> {
  const conversationUuid = input.conversationUuid.toLowerCase()
  return callerPage(ctx, input, {
    scope: (me) => `messages:${me.uuid}:${conversationUuid}`,
    read: async (me, after) => {
      const page = await listMessages(ctx.doc, ctx.table, {
        conversationUuid,
        caller: me.uuid,
        limit: input.limit,
        after,
      })
      return { rows: page.messages, ...(page.next ? { next: page.next } : {}) }
    },
    personOf: (m) => m.sender_uuid,
    toItem: (m, sender) => line(m.message_uuid, sender, m.message, m.created_at),
  })
}
