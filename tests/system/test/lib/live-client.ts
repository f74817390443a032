/**
 * A stream client that behaves like a flaky phone: it holds a stream for a short random while,
 * hangs up, and resumes from its last event id, on whichever messaging-service instance is next.
 * What it keeps is what a user would see: every message event, in the order received.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { openSse, type SseStream } from '@cruddur/local-stack/testing'

export interface ReceivedMessage {
  message_group_uuid: string
  uuid: string
  message: string
}

export class LiveClient {
  /** Message uuids per conversation, in the order they arrived (duplicates included, if any). */
  readonly byConversation = new Map<string, string[]>()
  lastEventId: string | undefined
  connections = 0
  /** Connections opened with a Last-Event-ID. */
  resumes = 0
  resets = 0
  /** Streams the server ended with a retry hint (shutdown, Redis lost). */
  toldToResume = 0
  /** Connection attempts refused (503 while Redis is down) or that failed (an instance is dead). */
  refused = 0
  /** The instance this client has a stream open on right now. */
  connectedTo: string | undefined
  private running: Promise<void> | undefined
  private stopping = false

  constructor(
    readonly name: string,
    private readonly token: string,
    private readonly urls: () => string[],
  ) {}

  /** One connection to `url`, held for `holdMs` (or until the server ends it); its events are kept. */
  async session(url: string, holdMs: number): Promise<SseStream | undefined> {
    let stream: SseStream
    try {
      stream = await openSse(`${url}/api/stream`, {
        authorization: `Bearer ${this.token}`,
        ...(this.lastEventId ? { 'last-event-id': this.lastEventId } : {}),
      })
    } catch {
      this.refused++
      await sleep(50)
      return undefined
    }
    if (stream.status !== 200) {
      this.refused++
      await sleep(100)
      return undefined
    }
    this.connections++
    if (this.lastEventId) this.resumes++
    let serverEnded = false
    this.connectedTo = url
    await Promise.race([sleep(holdMs), stream.ended.then(() => (serverEnded = true))])
    this.connectedTo = undefined
    stream.close()
    await stream.ended
    if (serverEnded && stream.blocks.at(-1)?.retry !== undefined) this.toldToResume++
    for (const block of stream.blocks) {
      if (block.event === 'reset') this.resets++
      if (block.event !== 'message') continue
      const m = JSON.parse(block.data ?? '{}') as ReceivedMessage
      const list = this.byConversation.get(m.message_group_uuid) ?? []
      list.push(m.uuid)
      this.byConversation.set(m.message_group_uuid, list)
    }
    this.lastEventId = stream.lastEventId ?? this.lastEventId
    return stream
  }

  /** Connects and disconnects in a loop (held 150–600 ms, then offline 50–250 ms), round robin over the instances. */
  start(): void {
    this.stopping = false
    this.running = (async () => {
      for (let i = 0; !this.stopping; i++) {
        const urls = this.urls()
        await this.session(urls[i % urls.length] as string, 150 + Math.random() * 450)
        // Offline for a while: what is sent meanwhile can only come from the catch-up.
        await sleep(50 + Math.random() * 200)
      }
    })()
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.running
  }

  /** Resumes (one instance after the other) until it holds every uuid in `expected`, or the time is up. */
  async drain(expected: Map<string, string[]>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (let i = 0; Date.now() < deadline; i++) {
      if (this.has(expected)) return
      const urls = this.urls()
      await this.session(urls[i % urls.length] as string, 400)
    }
  }

  private has(expected: Map<string, string[]>): boolean {
    for (const [conversation, uuids] of expected) {
      const got = new Set(this.byConversation.get(conversation) ?? [])
      if (uuids.some((u) => !got.has(u))) return false
    }
    return true
  }
}
