import type { MessageEvent as ChatMessage } from '../conversation/groups.js'
import type { LiveStatus, ReadEvent, TypingEvent } from '../state/reducer.js'
import { backoffDelay } from './backoff.js'

export interface StreamHandlers {
  status(status: LiveStatus): void
  message(event: ChatMessage): void
  read(event: ReadEvent): void
  typing(event: TypingEvent): void
  /** The server cannot resume from our last event: refetch the lists. */
  reset(): void
  /** Back after a drop: refetch what is on screen too (merging drops what the replay also gave). */
  resumed(): void
}

export interface StreamDeps {
  /** A single-use ticket from `POST /api/stream/ticket` (EventSource cannot send headers). */
  ticket(): Promise<string>
  EventSource: typeof EventSource
  random?: () => number
  setTimeout?: (fn: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
}

/**
 * The live stream: `EventSource('/api/stream?ticket=…')`. EventSource's own retry would reuse a
 * spent ticket, so on any error it is closed and reopened here with a new ticket, after a
 * backoff, resuming from the last event id it saw (`last_event_id`): the server replays what was
 * missed. Until the server has a stream at all, this stays in "reconnecting" and never throws.
 */
export class LiveStream {
  private source: EventSource | undefined
  private timer: unknown
  private attempt = 0
  private lastEventId = ''
  private dropped = false
  private stopped = false

  constructor(
    private readonly handlers: StreamHandlers,
    private readonly deps: StreamDeps,
  ) {}

  start(): void {
    this.stopped = false
    this.handlers.status('connecting')
    void this.connect()
  }

  stop(): void {
    this.stopped = true
    this.source?.close()
    this.source = undefined
    ;(this.deps.clearTimeout ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>)
  }

  /** Reconnect now instead of waiting out the backoff (the browser says it is online again). */
  retryNow(): void {
    if (this.stopped || this.source) return
    ;(this.deps.clearTimeout ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>)
    void this.connect()
  }

  private async connect(): Promise<void> {
    let ticket: string
    try {
      ticket = await this.deps.ticket()
    } catch {
      this.retryLater()
      return
    }
    if (this.stopped) return
    const query = new URLSearchParams({ ticket })
    if (this.lastEventId) query.set('last_event_id', this.lastEventId)
    const source = new this.deps.EventSource(`/api/stream?${query}`)
    this.source = source
    source.onopen = () => {
      this.attempt = 0
      this.handlers.status('live')
      if (this.dropped) this.handlers.resumed()
      this.dropped = false
    }
    source.onerror = () => {
      source.close()
      if (this.source === source) this.source = undefined
      this.retryLater()
    }
    const on = <T>(name: string, handle: (data: T) => void) =>
      source.addEventListener(name, (event) => {
        const { data, lastEventId } = event as globalThis.MessageEvent<string>
        if (lastEventId) this.lastEventId = lastEventId
        try {
          handle(JSON.parse(data) as T)
        } catch {
          // A malformed event is skipped; the next list fetch brings the truth anyway.
        }
      })
    on<ChatMessage>('message', (e) => this.handlers.message(e))
    on<ReadEvent>('read', (e) => this.handlers.read(e))
    on<TypingEvent>('typing', (e) => this.handlers.typing(e))
    on<unknown>('reset', () => {
      this.lastEventId = ''
      this.handlers.reset()
    })
  }

  private retryLater(): void {
    if (this.stopped) return
    this.dropped = true
    this.handlers.status('reconnecting')
    const delay = backoffDelay(this.attempt++, this.deps.random)
    this.timer = (this.deps.setTimeout ?? setTimeout)(() => void this.connect(), delay)
  }
}
