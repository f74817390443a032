/**
 * Seeding for scenario 10: a conversation of N messages written straight to the table, and a
 * user with N conversations, both in exactly the shape the messaging-service writes.
 *
 * Messages: 1..N-1 by the service's own `writeHistory` (started by startConversation, the other
 * records those of sendTransaction, 25 per BatchWriteItem, the member entries moved to the last
 * one); message N is sent by the caller through the running service, which reads the entries and
 * builds on them like on any conversation it wrote.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import {
  currentState,
  emptyCost,
  newMessage,
  type Person,
  SequenceCache,
  type SequenceState,
  startConversation,
  writeHistory,
} from '@cruddur/messaging-service/conversations'
import { inParallel } from '../paging.js'

/** Progress is reported about every tenth of the history, in whole batches of 25. */
const BATCH = 25

export interface SeededConversation {
  conversationUuid: string
  /** The state after message N-1; message N is for the caller to send through the service. */
  state: SequenceState
}

/**
 * A conversation of `messages - 1` messages between `a` and `b` (alternating senders), their
 * times 10 ms apart and ending well in the past; the caller sends the last one through the service.
 */
export async function seedConversation(
  doc: DynamoDBDocumentClient,
  table: string,
  a: Person,
  b: Person,
  messages: number,
  progress: (stored: number) => void,
  inFlight = 8,
): Promise<SeededConversation> {
  if (messages < 3) throw new Error('a seeded conversation has at least 3 messages')
  const base = Date.now() - messages * 10 - 60_000
  const sender = (i: number) => (i % 2 === 1 ? a : b)
  const text = (i: number) => `Growth message ${i}: the same length every time, whichever page it is on.`
  // Messages 1..N-1 (the service's own bulk history); N goes through the running service.
  const history = Array.from({ length: messages - 1 }, (_, k) =>
    newMessage(sender(k + 1), text(k + 1), new Date(base + (k + 1) * 10)),
  )
  const every = Math.max(BATCH, Math.floor(messages / 10 / BATCH) * BATCH)
  let reported = 0
  const { conversationUuid, state } = await writeHistory(
    doc,
    table,
    { recipientUuid: b.uuid, messages: history },
    {
      inFlight,
      progress: (stored) => {
        if (stored - reported >= every) {
          reported = stored
          progress(stored)
        }
      },
    },
  )
  const after = await currentState(doc, table, conversationUuid, emptyCost())
  if (after.seq !== state.seq || after.received.join() !== state.received.join())
    throw new Error(`member entries at seq ${after.seq}, expected ${state.seq}`)
  return { conversationUuid, state }
}

/** `owner`'s conversations with each of `others` (one message each), through startConversation. */
export async function seedConversations(
  doc: DynamoDBDocumentClient,
  table: string,
  owner: Person,
  others: Person[],
  progress: (done: number) => void,
  concurrency = 16,
): Promise<void> {
  const sequences = new SequenceCache(others.length + 1)
  const base = Date.now() - others.length * 10 - 60_000
  let done = 0
  const every = Math.max(1, Math.floor(others.length / 10))
  await inParallel(others.length, concurrency, async (i) => {
    const other = others[i] as Person
    // Every other conversation the other person wrote last, as lists are in life.
    const [from, to] = i % 2 === 0 ? [owner, other] : [other, owner]
    const at = new Date(base + i * 10)
    await startConversation(
      doc,
      table,
      { recipientUuid: to.uuid, message: newMessage(from, `Hello @${to.handle}, conversation ${i}`, at) },
      { sequences },
    )
    if (++done % every === 0) progress(done)
  })
}
