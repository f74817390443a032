import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CallerInput, ConversationsContext } from './context.js'
import { type Cost, emptyCost } from './cost.js'
import { callerOf } from './directory.js'
import { ConversationNotFoundError } from './errors.js'
import { type IdempotencyKey, sendRequestHash, storedAnswer } from './idempotency.js'
import { type NewMessage, newMessage, type SentMessage } from './message.js'
import { publishSent } from './publish.js'
import type { MemberRecord } from './records.js'
import { sendTransaction } from './send-items.js'
import { currentState, isMember, SequenceCache, sequenceFromEntries } from './sequence.js'
import { attemptTransaction, beforeRetry, failedCondition, oldItem } from './transaction.js'

export interface SendMessageInput {
  conversationUuid: string
  message: NewMessage
  idempotency?: IdempotencyKey | undefined
}

/** What a send (or a start) did. */
export interface SendResult {
  /** The conversation the message is in. */
  conversationUuid: string
  /** The answer: the message as stored, or the stored answer of an earlier request with the same key. */
  sent: SentMessage
  /** True when `sent` is the stored answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean
  /** Start only: whether this call created the conversation. */
  created: boolean
  /** How many member entries this message moved forward (2 when stored, 0 for a replay). */
  entriesUpdated: number
  /** The message's sequence number in its conversation (0 for a replay). */
  seq: number
  /** The two members (slot order), who hear of the message. */
  members: [string, string]
  cost: Cost
}

/** Where sends without a context of their own (tools, tests) keep their sequence guesses. */
export const sharedSequences = new SequenceCache()

/** A conversation's place in a sequence cache (one cache may serve several tables: tests, the bench). */
export const sequenceKey = (table: string, conversationUuid: string) => `${table}/${conversationUuid}`

export interface SequenceOptions {
  sequences?: SequenceCache | undefined
}

/**
 * Pattern C (+E): one TransactWriteItems storing the message and moving both member entries to
 * it (plus the idempotency record), conditioned on the entries' `seq` being the one this send
 * builds on. The state comes from this process's cache (a miss reads both entries once); a
 * failed condition hands back the entries as they are (ALL_OLD), and the send is rebuilt on them
 * and retried. So every message gets the next seq, a time after the previous one, and exact
 * received counts, and a message is never lost. A missing entry, or one that does not name the
 * sender, is a conversation the sender may not see.
 */
export async function sendMessage(
  doc: DynamoDBDocumentClient,
  table: string,
  input: SendMessageInput,
  cost: Cost = emptyCost(),
  options: SequenceOptions = {},
): Promise<SendResult> {
  const sequences = options.sequences ?? sharedSequences
  const { conversationUuid, idempotency } = input
  const cacheKey = sequenceKey(table, conversationUuid)
  return sequences.locks.exclusive(cacheKey, async () => {
    let state = sequences.get(cacheKey) ?? (await currentState(doc, table, conversationUuid, cost))
    if (!isMember(state, input.message.sender.uuid)) throw new ConversationNotFoundError()
    const offset = idempotency ? 1 : 0
    for (let attempt = 1; ; attempt++) {
      const { m, next, sent, items } = sendTransaction(
        table,
        conversationUuid,
        input.message,
        state,
        idempotency,
      )
      const cancelled = await attemptTransaction(doc, items, cost)
      const outcome = { conversationUuid, created: false, members: state.members, cost }
      if (!cancelled) {
        sequences.set(cacheKey, next)
        return { ...outcome, sent, replayed: false, entriesUpdated: 2, seq: next.seq }
      }
      const { reasons } = cancelled
      const stored = storedAnswer(reasons, idempotency)
      if (stored) return { ...outcome, sent: stored, replayed: true, entriesUpdated: 0, seq: 0 }
      const seen = [reasons[offset + 1], reasons[offset + 2]].filter(failedCondition).map(oldItem)
      if (seen.length > 0) {
        const entries = seen as (MemberRecord | undefined)[]
        if (entries.some((e) => !e || (e.user_uuid !== m.sender.uuid && e.other_uuid !== m.sender.uuid))) {
          throw new ConversationNotFoundError()
        }
        // Another writer (another instance, or a stale cache) got there first: build on what is stored.
        state =
          entries.length === 2
            ? sequenceFromEntries(entries as MemberRecord[])
            : await currentState(doc, table, conversationUuid, cost)
        sequences.set(cacheKey, state)
      }
      await beforeRetry(attempt, cancelled, seen.length > 0)
    }
  })
}

export interface SendInput extends CallerInput {
  conversationUuid: string
  text: string
  idempotencyKey?: string | undefined
}

/** POST /api/messages into a conversation: the caller must be one of its two people. */
export async function send(ctx: ConversationsContext, input: SendInput): Promise<SentMessage> {
  const me = await callerOf(ctx.directory, input.callerSub, input.requestId)
  const conversationUuid = input.conversationUuid.toLowerCase()
  const idempotency = input.idempotencyKey
    ? { key: input.idempotencyKey, requestHash: sendRequestHash(input.text, { conversationUuid }) }
    : undefined
  const result = await sendMessage(
    ctx.doc,
    ctx.table,
    {
      conversationUuid,
      message: newMessage(me, input.text, new Date(ctx.now?.() ?? Date.now())),
      idempotency,
    },
    emptyCost(),
    { sequences: ctx.sequences },
  )
  publishSent(ctx, result)
  return result.sent
}
