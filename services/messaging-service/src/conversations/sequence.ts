import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { addCost, type Cost } from './cost.js'
import { ConversationNotFoundError } from './errors.js'
import { conversationPk, MEMBER_PREFIX, parseMessageSk } from './keys.js'
import type { NewMessage } from './message.js'
import { prefixQuery } from './queries.js'
import type { MemberRecord } from './records.js'

/**
 * Where a conversation's sequence stands: what a send must know to store the next message.
 * Both member entries carry the same `seq` (they are only ever written together), so either one
 * says it; `received` differs per member.
 */
export interface SequenceState {
  /** The two members, slot 0 (lower uuid) and slot 1. */
  members: [string, string]
  /** The newest message's seq (0 before the first sequenced message). */
  seq: number
  /** The newest message's time (ms): the next one is stored strictly after it. */
  lastAtMs: number
  /** Per slot: how many of the other person's messages the member has received. */
  received: [number, number]
}

/** A member entry as the sequence sees it. */
export function sequenceOf(entry: MemberRecord, slot: 0 | 1): SequenceState {
  const members: [string, string] =
    slot === 0 ? [entry.user_uuid, entry.other_uuid] : [entry.other_uuid, entry.user_uuid]
  const received: [number, number] = [0, 0]
  received[slot] = entry.received ?? 0
  return {
    members,
    seq: entry.seq ?? 0,
    lastAtMs: Date.parse(parseMessageSk(entry.gsi1sk).createdAt),
    received,
  }
}

/**
 * The last state this instance saw per conversation (bounded; oldest forgotten first). It is
 * only a guess: the send's condition (`seq = :prev`) checks it, and a wrong guess costs one retry
 * with the state DynamoDB returns (ALL_OLD), never a wrong write.
 */
export class SequenceCache {
  private readonly states = new Map<string, SequenceState>()
  /** Sends into one conversation take turns in this process (see ConversationLocks). */
  readonly locks = new ConversationLocks()

  constructor(private readonly capacity = 10_000) {}

  get(conversationUuid: string): SequenceState | undefined {
    const state = this.states.get(conversationUuid)
    if (state) {
      // Refresh its place: the busiest conversations stay.
      this.states.delete(conversationUuid)
      this.states.set(conversationUuid, state)
    }
    return state
  }

  set(conversationUuid: string, state: SequenceState): void {
    this.states.delete(conversationUuid)
    this.states.set(conversationUuid, state)
    if (this.states.size > this.capacity) {
      const oldest = this.states.keys().next().value
      if (oldest !== undefined) this.states.delete(oldest)
    }
  }
}

/**
 * Both member entries, read strongly consistently (one Query, both items: 0.5–1 RCU); undefined
 * when the conversation does not exist.
 */
export async function readMemberEntries(
  doc: DynamoDBDocumentClient,
  table: string,
  conversationUuid: string,
  cost: Cost,
): Promise<MemberRecord[] | undefined> {
  const out = await doc.send(
    new QueryCommand(
      prefixQuery(table, conversationPk(conversationUuid), MEMBER_PREFIX, { ConsistentRead: true }),
    ),
  )
  addCost(cost, out.ConsumedCapacity)
  const entries = (out.Items ?? []) as MemberRecord[]
  return entries.length === 2 ? entries : undefined
}

/** The sequence state from the two entries (their `seq` agrees; the larger wins if it ever did not). */
export function sequenceFromEntries(entries: MemberRecord[]): SequenceState {
  const [a, b] = entries.map((e) => sequenceOf(e, e.sk.endsWith('0') ? 0 : 1)) as [
    SequenceState,
    SequenceState,
  ]
  return {
    members: a.members,
    seq: Math.max(a.seq, b.seq),
    lastAtMs: Math.max(a.lastAtMs, b.lastAtMs),
    received: [a.received[0] + b.received[0], a.received[1] + b.received[1]],
  }
}

/**
 * One send at a time per conversation in this process: sends into one conversation queue here
 * instead of colliding in DynamoDB (each collision is a cancelled transaction, paid for and
 * retried). Across instances the `seq` condition still decides; this only keeps one instance
 * from competing with itself.
 */
export class ConversationLocks {
  private readonly tails = new Map<string, Promise<unknown>>()

  async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve()
    const run = before.then(work, work)
    const tail = run.catch(() => {})
    this.tails.set(key, tail)
    try {
      return await run
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}

/** The state after `m` is stored on top of `prev`: seq + 1, its time, the recipient's count + 1. */
export function advance(prev: SequenceState, m: NewMessage): SequenceState {
  const received: [number, number] = [...prev.received]
  received[prev.members[0] === m.sender.uuid ? 1 : 0] += 1
  return { members: prev.members, seq: prev.seq + 1, lastAtMs: Date.parse(m.createdAt), received }
}

/**
 * The message's time: its sender's clock, but strictly after the conversation's newest message,
 * so the sort key order is the seq order even when instances' clocks disagree.
 */
export function placed(m: NewMessage, prev: SequenceState): NewMessage {
  const at = Math.max(Date.parse(m.createdAt), prev.lastAtMs + 1)
  return { ...m, createdAt: new Date(at).toISOString() }
}

export const isMember = (state: SequenceState, user: string) => state.members.includes(user)

export async function currentState(
  doc: DynamoDBDocumentClient,
  table: string,
  conversationUuid: string,
  cost: Cost,
): Promise<SequenceState> {
  const entries = await readMemberEntries(doc, table, conversationUuid, cost)
  if (!entries) throw new ConversationNotFoundError()
  return sequenceFromEntries(entries)
}
