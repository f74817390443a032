/**
 * The leanest calls that do what the service's read and send do against the engine: the
 * low-level DynamoDBClient (keep-alive sockets, the same client settings as the service), the
 * same Query / TransactWriteItems, no document-client unmarshalling of the answer and no
 * ReturnConsumedCapacity. They are the floor the service is measured against (issue 14).
 */
import {
  type DynamoDBClient,
  QueryCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { marshall } from '@aws-sdk/util-dynamodb'
import {
  conversationPk,
  currentState,
  emptyCost,
  newMessage,
  type Person,
  type SequenceState,
  sendTransaction,
} from '@cruddur/messaging-service/conversations'

/** Pattern A's first page as one low-level Query: newest first, the page + 1 + the two member entries. */
export function leanRead(client: DynamoDBClient, table: string, conversationUuid: string, limit = 20) {
  const input = {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': { S: conversationPk(conversationUuid) }, ':prefix': { S: 'MSG' } },
    ScanIndexForward: false,
    Limit: limit + 3,
  }
  return async () => {
    const out = await client.send(new QueryCommand(input))
    if ((out.Items?.length ?? 0) < limit + 2) throw new Error(`read ${out.Items?.length} items`)
  }
}

type DocItem = ReturnType<typeof sendTransaction>['items'][number]
const av = (values: Record<string, unknown> | undefined) =>
  values ? marshall(values, { removeUndefinedValues: true }) : undefined

/** A document-client transaction item in the engine's own shape (what the low-level client takes). */
function lowLevel(item: DocItem): TransactWriteItem {
  if (item.Put) return { Put: { ...item.Put, Item: av(item.Put.Item) ?? {} } }
  if (item.Update) {
    const { Key, ExpressionAttributeValues, ...rest } = item.Update
    return {
      Update: {
        ...rest,
        Key: av(Key) ?? {},
        ...(ExpressionAttributeValues ? { ExpressionAttributeValues: av(ExpressionAttributeValues) } : {}),
      },
    }
  }
  throw new Error('a send is Puts and Updates only')
}

/**
 * Pattern C as one low-level TransactWriteItems per send, with the service's own items (the
 * message and both entries moved to it, conditioned on seq). Each conversation's state is read
 * once up front and then kept here, as the service keeps it in its sequence cache; a
 * conversation is only ever written by one call at a time (a busy one waits its turn, as in the
 * service), so a condition never fails.
 */
export async function leanSender(
  client: DynamoDBClient,
  doc: DynamoDBDocumentClient,
  table: string,
  sender: Person,
  conversations: string[],
  text: string,
) {
  const states = new Map<string, SequenceState>()
  for (const c of conversations) states.set(c, await currentState(doc, table, c, emptyCost()))
  const free = [...conversations]
  const waiting: ((c: string) => void)[] = []
  const take = () => {
    const c = free.shift()
    return c !== undefined ? Promise.resolve(c) : new Promise<string>((resolve) => waiting.push(resolve))
  }
  const give = (c: string) => {
    const next = waiting.shift()
    if (next) next(c)
    else free.push(c)
  }
  return async () => {
    const conversation = await take()
    try {
      const state = states.get(conversation) as SequenceState
      const { items, next } = sendTransaction(table, conversation, newMessage(sender, text), state)
      await client.send(new TransactWriteItemsCommand({ TransactItems: items.map(lowLevel) }))
      states.set(conversation, next)
    } finally {
      give(conversation)
    }
  }
}
