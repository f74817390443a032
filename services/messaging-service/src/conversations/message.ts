import { randomUUID } from 'node:crypto'
import type { CreateMessageResponse, InternalUser } from '@cruddur/types'

/** Someone as a message shows them: the directory's uuid, handle and display name. */
export type Person = Pick<InternalUser, 'uuid' | 'handle' | 'display_name'>

/** A message about to be stored: its id and time are fixed before the write, so retries reuse them. */
export interface NewMessage {
  messageUuid: string
  createdAt: string
  sender: Person
  text: string
}

export function newMessage(sender: Person, text: string, now: Date = new Date()): NewMessage {
  return { messageUuid: randomUUID(), createdAt: now.toISOString(), sender, text }
}

/** What a send answers; an Idempotency-Key stores it, so a retry answers exactly the same. */
export type SentMessage = CreateMessageResponse

export function toSentMessage(conversationUuid: string, m: NewMessage): SentMessage {
  return {
    message_group_uuid: conversationUuid,
    uuid: m.messageUuid,
    display_name: m.sender.display_name,
    handle: m.sender.handle,
    message: m.text,
    created_at: m.createdAt,
  }
}
