import type {
  ActiveConversation,
  ConversationEvent,
  MessageStoredEvent,
  ReadMovedEvent,
} from '../conversations/index.js'
import {
  CLOCK_TOLERANCE_MS,
  decodeToken,
  encodeToken,
  expired,
  type ResumeToken,
  readKey,
  tokenAt,
} from './resume-token.js'

/** What a stream reads from the log (the conversations door, bound to one table). */
export interface StreamSource {
  activeSince(input: { userUuid: string; sinceIso: string }): Promise<ActiveConversation[]>
  messagesFrom(input: {
    conversationUuid: string
    members: [string, string]
    fromIso: string
  }): Promise<MessageStoredEvent[]>
  readsSince(input: { userUuid: string; sinceIso: string }): Promise<ReadMovedEvent[]>
}

/** Where a stream writes: named events (with an id when resumable) and id-only checkpoints. */
export interface StreamOutput {
  event(name: 'message' | 'read' | 'typing' | 'reset', data: unknown, id?: string): Promise<void>
  /** A resume point without an event (and the ping comment when `ping`). */
  checkpoint(id: string, ping: boolean): Promise<void>
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * One open stream of one user. Events from the bus and the catch-up from the table go through
 * one queue, in order, so what is written and the resume point written with it always agree:
 * an event at or below what the client has is dropped, a gap (a seq beyond the next one, e.g.
 * a push lost or overtaken) is filled from the table first. Each message and read event carries
 * the resume point after it.
 */
export class StreamSession {
  private token: ResumeToken = { b: 0, v: {}, r: {} }
  private queue: Promise<void> = Promise.resolve()
  private pending: ConversationEvent[] | undefined = []
  /** The conversations' members as far as this stream has seen them (for gap fills). */
  private readonly members = new Map<string, [string, string]>()

  constructor(
    private readonly userUuid: string,
    private readonly source: StreamSource,
    private readonly out: StreamOutput,
    private readonly now: () => number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** A bus event: held until the catch-up is done, then handled in turn. */
  push(event: ConversationEvent): void {
    if (this.pending) this.pending.push(event)
    else this.enqueue(() => this.handle(event))
  }

  /** Catches up from `lastEventId` (or starts fresh), then handles what the bus delivered meanwhile. */
  begin(lastEventId: string | null | undefined): Promise<void> {
    const done = this.enqueue(() => this.catchUp(lastEventId ?? undefined))
    const held = this.pending ?? []
    this.pending = undefined
    for (const event of held) this.enqueue(() => this.handle(event))
    return done
  }

  /** The ping comment, with the current resume point (so a quiet stream's point stays fresh). */
  ping(): Promise<void> {
    return this.enqueue(() => this.out.checkpoint(this.id(), true))
  }

  /** Resolves when everything queued so far is written. */
  idle(): Promise<void> {
    return this.queue
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work).catch((err) => this.onError(err))
    this.queue = next
    return next
  }

  private id(): string {
    this.token = tokenAt(this.token, this.now())
    return encodeToken(this.token)
  }

  private async catchUp(lastEventId: string | undefined): Promise<void> {
    const now = this.now()
    const resumed = lastEventId === undefined ? undefined : decodeToken(lastEventId)
    const usable = resumed && !expired(resumed, now) ? resumed : undefined
    const sinceIso = iso((usable?.b ?? now) - CLOCK_TOLERANCE_MS)
    const active = await this.source.activeSince({ userUuid: this.userUuid, sinceIso })
    const reads = await this.source.readsSince({ userUuid: this.userUuid, sinceIso })
    for (const c of active) this.members.set(c.conversationUuid, c.members)
    if (!usable) {
      // Nothing (usable) to resume from: the client has what it fetched; the stream starts here.
      for (const c of active) this.token.v[c.conversationUuid] = [c.seq, Date.parse(c.lastAt)]
      for (const r of reads) this.remember(r)
      if (lastEventId !== undefined) await this.out.event('reset', {})
      await this.out.checkpoint(this.id(), false)
      return
    }
    this.token = { b: usable.b, v: { ...usable.v }, r: { ...usable.r } }
    for (const c of active) {
      const known = this.token.v[c.conversationUuid]
      if (known && c.seq <= known[0]) continue
      const fromIso = known ? iso(known[1] + 1) : sinceIso
      const owed = await this.source.messagesFrom({
        conversationUuid: c.conversationUuid,
        members: c.members,
        fromIso,
      })
      for (const m of owed) await this.deliverMessage(m)
    }
    for (const r of reads) await this.deliverRead(r)
    await this.out.checkpoint(this.id(), false)
  }

  private async handle(event: ConversationEvent): Promise<void> {
    if (event.type === 'typing') return this.out.event('typing', event.data)
    if (event.type === 'read') return this.deliverRead(event)
    const members = event.to.length === 2 ? (event.to as [string, string]) : undefined
    if (members) this.members.set(event.conversationUuid, members)
    const known = this.token.v[event.conversationUuid]
    if (known && event.seq <= known[0]) return
    const contiguous = known ? event.seq === known[0] + 1 : event.seq <= 1
    if (contiguous) return this.deliverMessage(event)
    // A gap: what came before this one (overtaken by it, or never pushed) is in the table.
    const fromIso = known ? iso(known[1] + 1) : iso(this.token.b - CLOCK_TOLERANCE_MS)
    const owed = await this.source.messagesFrom({
      conversationUuid: event.conversationUuid,
      members: members ?? this.members.get(event.conversationUuid) ?? [this.userUuid, this.userUuid],
      fromIso,
    })
    for (const m of owed) if (m.seq <= event.seq) await this.deliverMessage(m)
    // Not in the table (cannot happen after a commit, but never drop a push): deliver it as it came.
    await this.deliverMessage(event)
  }

  private async deliverMessage(m: MessageStoredEvent): Promise<void> {
    const known = this.token.v[m.conversationUuid]
    if (known && m.seq <= known[0] && m.seq !== 0) return
    this.token.v[m.conversationUuid] = [m.seq, Date.parse(m.data.created_at)]
    await this.out.event('message', m.data, this.id())
  }

  private remember(r: ReadMovedEvent): boolean {
    const key = readKey(r.conversationUuid, r.readerUuid)
    const known = this.token.r[key]
    if (known && r.readSeq <= known[0]) return false
    this.token.r[key] = [r.readSeq, Date.parse(r.data.read_at)]
    return true
  }

  private async deliverRead(r: ReadMovedEvent): Promise<void> {
    if (this.remember(r)) await this.out.event('read', r.data, this.id())
  }
}
