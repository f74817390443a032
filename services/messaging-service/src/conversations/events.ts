import type { SentMessage } from './message.js'

/**
 * What happened in a conversation, for the people in it: published after the write succeeded
 * (never for an idempotent replay). A push is only a prompt: what a client is owed is in the
 * table, and a client that missed a push gets it from there when it resumes.
 */
export interface MessageStoredEvent {
  type: 'message'
  /** Both members' user uuids (the sender's other devices hear of their own message too). */
  to: string[]
  conversationUuid: string
  /** The message's sequence number in its conversation. */
  seq: number
  data: SentMessage
}

export interface ReadMovedEvent {
  type: 'read'
  /** Both members. */
  to: string[]
  conversationUuid: string
  readerUuid: string
  /** The seq of the message the reader's position is at now. */
  readSeq: number
  data: { message_group_uuid: string; handle: string; up_to: string; read_at: string }
}

export interface TypingEvent {
  type: 'typing'
  /** The other member only. */
  to: string[]
  conversationUuid: string
  data: { message_group_uuid: string; handle: string }
}

export type ConversationEvent = MessageStoredEvent | ReadMovedEvent | TypingEvent

/** Where the use cases hand their events: must not throw into the request. */
export interface ConversationEventSink {
  publish(event: ConversationEvent): void
}
