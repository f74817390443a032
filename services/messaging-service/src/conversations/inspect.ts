import { type DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb'
import { addCost, type Cost, emptyCost } from './cost.js'
import { conversationPk, PAIR_SK, pairPk } from './keys.js'
import type { PairRecord } from './records.js'

/** The conversation between two people, if they have one (GetItem on their pair lock). For tools. */
export async function findConversation(
  doc: DynamoDBDocumentClient,
  table: string,
  a: string,
  b: string,
): Promise<{ conversationUuid?: string; cost: Cost }> {
  const cost = emptyCost()
  const out = await doc.send(
    new GetCommand({
      TableName: table,
      Key: { pk: pairPk(a, b), sk: PAIR_SK },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'INDEXES',
    }),
  )
  addCost(cost, out.ConsumedCapacity)
  const item = out.Item as PairRecord | undefined
  return { ...(item ? { conversationUuid: item.conversation_uuid } : {}), cost }
}

/** Every item of one conversation (messages oldest first, then the member entries), paginated. For tools. */
export async function getConversationItems(
  doc: DynamoDBDocumentClient,
  table: string,
  conversationUuid: string,
): Promise<{ items: Record<string, unknown>[]; cost: Cost }> {
  const cost = emptyCost()
  const items: Record<string, unknown>[] = []
  const pages = paginateQuery(
    { client: doc, pageSize: 500 },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': conversationPk(conversationUuid) },
      ReturnConsumedCapacity: 'INDEXES',
    },
  )
  for await (const page of pages) {
    addCost(cost, page.ConsumedCapacity)
    items.push(...(page.Items ?? []))
  }
  return { items, cost }
}
