import { randomUUID } from 'node:crypto'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import {
  findConversation,
  getConversationItems,
  type Person,
  writeHistory,
} from '@cruddur/messaging-service/conversations'

const LINES = [
  'Are you watching the fireworks tonight?',
  'Of course! Best seat in the house.',
  'Did you finish the DynamoDB chapter?',
  'Single-table design finally clicked for me.',
  'Access patterns first, then the keys.',
  'Exactly. And never a Scan.',
  'Happy almost New Year!',
  'Same to you! Any resolutions?',
  'Ship the messaging service. For real this time.',
  'Ha. Make it survive January 1st first.',
]

export interface SeedResult {
  conversationUuid: string
  created: boolean
  messages: number
  first?: string
  last?: string
}

/**
 * A demo conversation of `count` messages between two users whose timestamps straddle the most
 * recent New Year (so a query that filtered on "this year" would visibly lose half of it).
 * Safe to re-run: the pair record says the conversation exists, and nothing is added.
 */
export async function seedDemoConversation(
  doc: DynamoDBDocumentClient,
  table: string,
  users: { a: Person; b: Person },
  options: { count?: number; now?: Date } = {},
): Promise<SeedResult> {
  const count = options.count ?? 100
  const existing = await findConversation(doc, table, users.a.uuid, users.b.uuid)
  if (existing.conversationUuid) {
    const { items } = await getConversationItems(doc, table, existing.conversationUuid)
    const messages = items.filter((i) => i.kind === 'message')
    return { conversationUuid: existing.conversationUuid, created: false, messages: messages.length }
  }
  const now = options.now ?? new Date()
  const newYear = Date.UTC(now.getUTCFullYear(), 0, 1)
  // One message a minute, half of them before midnight; never in the future.
  const start = Math.min(newYear - Math.floor(count / 2) * 60_000, now.getTime() - count * 60_000)
  const at = (i: number) => new Date(start + i * 60_000).toISOString()
  const message = (i: number) => ({
    messageUuid: randomUUID(),
    createdAt: at(i),
    sender: i % 2 === 0 ? users.a : users.b,
    text: `${LINES[i % LINES.length]} (#${i + 1})`,
  })
  // In a few requests rather than one transaction per message (a cold start waited 3 s for them).
  const { conversationUuid } = await writeHistory(doc, table, {
    recipientUuid: users.b.uuid,
    messages: Array.from({ length: count }, (_, i) => message(i)),
  })
  return {
    conversationUuid,
    created: true,
    messages: count,
    first: at(0),
    last: at(count - 1),
  }
}
