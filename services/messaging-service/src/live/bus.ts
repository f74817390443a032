import type { ConversationEvent } from '../conversations/index.js'

/** A listener of one user's events. */
export type EventListener = (event: ConversationEvent) => void

/** Why a bus can no longer promise delivery (Redis lost): its streams must end and resume. */
export type BusDownListener = (reason: string) => void

/**
 * The fan-out of conversation events to the streams open on any instance: Redis pub/sub when
 * REDIS_URL is set, an in-process emitter when one instance is all there is. Both behind this
 * interface, so the stream code never knows which.
 */
export interface EventBus {
  /** Fire and forget, to every user in `event.to`; a failure is logged, never thrown. */
  publish(event: ConversationEvent): void
  /**
   * Listens to one user's events; resolves once the subscription is in place (with Redis: after
   * SUBSCRIBE was acknowledged), so a caller that subscribes and then reads the table misses
   * nothing in between. Throws BusUnavailableError when it cannot subscribe.
   */
  subscribe(userUuid: string, listener: EventListener): Promise<() => void>
  /** Called when delivery can no longer be promised (the Redis connection dropped). */
  onDown(listener: BusDownListener): () => void
  /** Whether the bus can deliver now (for /ready). */
  health(): { ok: boolean; detail: string }
  close(): Promise<void>
}

/** The bus cannot take a subscription now (Redis down): the stream answers 503, sends go on. */
export class BusUnavailableError extends Error {
  constructor(message = 'the event bus (Redis) is unavailable', options?: ErrorOptions) {
    super(message, options)
    this.name = 'BusUnavailableError'
  }
}
