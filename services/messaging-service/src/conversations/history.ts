import { BatchWriteCommand, type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import { emptyCost } from './cost.js'
import type { NewMessage } from './message.js'
import { sendTransaction } from './send-items.js'
import { currentState, SequenceCache, type SequenceState } from './sequence.js'
import { startConversation } from './start-conversation.js'

/** DynamoDB's limit per BatchWriteItem. */
const BATCH = 25

type TransactItems = ReturnType<typeof sendTransaction>['items']
type WriteRequest = { PutRequest: { Item: Record<string, unknown> } }

export interface HistoryInput {
  /** The other person; the first message's sender is the one who starts the conversation. */
  recipientUuid: string
  /** Oldest first; each sender one of the two people. */
  messages: NewMessage[]
  conversationUuid?: string
}

export interface HistoryOptions {
  /** BatchWriteItem requests in flight at once. */
  inFlight?: number
  /** Called now and then with how many messages are stored so far. */
  progress?: (stored: number) => void
}

export interface WrittenHistory {
  conversationUuid: string
  /** Where the conversation's sequence stands after the last message. */
  state: SequenceState
}

/** The message record of a send's transaction (its Put that is not an idempotency record). */
function messageRecord(items: TransactItems): Record<string, unknown> {
  const put = items.find((i) => i.Put && (i.Put.Item as { kind?: string }).kind === 'message')?.Put
  if (!put?.Item) throw new Error('sendTransaction built no message record')
  return put.Item
}

/** One BatchWriteItem, repeated with what DynamoDB left unprocessed (backing off) until all is stored. */
async function batchWrite(doc: DynamoDBDocumentClient, table: string, requests: WriteRequest[]) {
  let pending = requests
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 20) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed 20 times`)
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 20 * 2 ** attempt)))
    const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }))
    pending = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[]
  }
}

/**
 * A whole history at once (the demo seed, the benchmark's big conversations), stored exactly as
 * one send after another would have stored it, in a few requests instead of one transaction per
 * message: the conversation is started with the first message (pattern D), the records of the
 * others are those `sendTransaction` builds, each on the state the previous one leads to, written
 * 25 per BatchWriteItem; then both member entries move to the last message in one transaction,
 * conditioned on the seq the start left (so a send that came in between fails it, rather than
 * being overwritten). Not for live traffic: the messages are not published, and a reader may
 * see some of them before the entries point at the newest.
 */
export async function writeHistory(
  doc: DynamoDBDocumentClient,
  table: string,
  input: HistoryInput,
  options: HistoryOptions = {},
): Promise<WrittenHistory> {
  const [first, ...rest] = input.messages
  if (!first) throw new Error('a history has at least one message')
  const started = await startConversation(
    doc,
    table,
    {
      recipientUuid: input.recipientUuid,
      message: first,
      ...(input.conversationUuid ? { conversationUuid: input.conversationUuid } : {}),
    },
    { sequences: new SequenceCache() },
  )
  const { conversationUuid } = started
  const startState = await currentState(doc, table, conversationUuid, emptyCost())
  let state = startState
  let last: TransactItems = []
  const records: Record<string, unknown>[] = []
  for (const message of rest) {
    const tx = sendTransaction(table, conversationUuid, message, state)
    records.push(messageRecord(tx.items))
    last = tx.items
    state = tx.next
  }
  let stored = 1
  const batches = Math.ceil(records.length / BATCH)
  let next = 0
  const worker = async () => {
    for (let n = next++; n < batches; n = next++) {
      const chunk = records.slice(n * BATCH, (n + 1) * BATCH).map((Item) => ({ PutRequest: { Item } }))
      await batchWrite(doc, table, chunk)
      stored += chunk.length
      options.progress?.(stored)
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.inFlight ?? 8, batches) }, worker))
  const moves = last.flatMap((item) =>
    item.Update
      ? [
          {
            Update: {
              ...item.Update,
              // The last message's updates expect its predecessor's seq: here the start's.
              ExpressionAttributeValues: {
                ...item.Update.ExpressionAttributeValues,
                ':prev': startState.seq,
              },
            },
          },
        ]
      : [],
  )
  if (moves.length > 0) await doc.send(new TransactWriteCommand({ TransactItems: moves }))
  return { conversationUuid, state: records.length > 0 ? state : startState }
}
