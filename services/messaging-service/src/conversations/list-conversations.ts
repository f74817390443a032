import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { GSI_BY_USER } from '@cruddur/dynamodb'
import type { MessageGroupItem } from '@cruddur/types'
import type { ConversationsContext } from './context.js'
import { addCost, type Cost, emptyCost } from './cost.js'
import { line } from './directory.js'
import { conversationOf, parseMessageSk, type TableKey, userGsiPk } from './keys.js'
import { callerPage, type Page, type PageInput } from './page.js'
import type { MemberRecord } from './records.js'
import { unreadCount } from './unread.js'

export interface ListConversationsInput {
  user: string
  limit: number
  after?: TableKey | undefined
}

/** One conversation as its participant's list shows it. */
export interface ConversationEntry {
  conversation_uuid: string
  user_uuid: string
  other_uuid: string
  last_message: string
  last_at: string
  /** The other person's messages after this member's read position. */
  unread_count: number
}

export interface ListConversationsResult {
  conversations: ConversationEntry[]
  next?: TableKey
  cost: Cost
}

/** Pattern B: one Query on the user-activity index, most recent first. */
export async function listConversations(
  doc: DynamoDBDocumentClient,
  table: string,
  input: ListConversationsInput,
): Promise<ListConversationsResult> {
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
  const items = (out.Items ?? []) as MemberRecord[]
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
      unread_count: unreadCount(i),
    })),
    ...(next ? { next } : {}),
    cost,
  }
}

/** GET /api/message_groups: the caller's conversations, each with the other person and the last message. */
export function conversationsPage(
  ctx: ConversationsContext,
  input: PageInput,
): Promise<Page<MessageGroupItem>> {
  return callerPage(ctx, input, {
    scope: (me) => `groups:${me.uuid}`,
    read: async (me, after) => {
      const page = await listConversations(ctx.doc, ctx.table, { user: me.uuid, limit: input.limit, after })
      return { rows: page.conversations, ...(page.next ? { next: page.next } : {}) }
    },
    personOf: (c) => c.other_uuid,
    toItem: (c, other) => ({
      ...line(c.conversation_uuid, other, c.last_message, c.last_at),
      unread_count: c.unread_count,
    }),
  })
}
