import { type Static, Type } from 'typebox'
import { Handle, NO_NUL, Timestamp, Uuid } from './common.js'

/**
 * The web client renders conversations and messages with one shape: an id, a person and a
 * message with its time. Which id and which person differ, as the two schemas below say.
 */
const personAndMessage = {
  display_name: Type.String(),
  handle: Handle,
  message: Type.String(),
  created_at: Timestamp,
}

/** One entry of `GET /api/message_groups`: a conversation (uuid), the *other* person and the last message. */
export const MessageGroupItem = Type.Object(
  {
    uuid: Uuid,
    ...personAndMessage,
    unread_count: Type.Integer({
      minimum: 0,
      description: "The other person's messages after my read position",
    }),
  },
  { additionalProperties: false },
)
export type MessageGroupItem = Static<typeof MessageGroupItem>
export const MessageGroupList = Type.Array(MessageGroupItem)
export type MessageGroupList = Static<typeof MessageGroupList>

/** One entry of `GET /api/messages/:message_group_uuid`: a message (uuid) and its sender. */
export const MessageItem = Type.Object({ uuid: Uuid, ...personAndMessage }, { additionalProperties: false })
export type MessageItem = Static<typeof MessageItem>
export const MessageList = Type.Array(MessageItem)
export type MessageList = Static<typeof MessageList>

export const MessageGroupParams = Type.Object({ message_group_uuid: Uuid }, { additionalProperties: false })
export type MessageGroupParams = Static<typeof MessageGroupParams>

/**
 * `POST /api/messages`. Blank/too-long messages and a missing target are 422s decided by the
 * handler (so they get their own codes); only structural problems fail the schema (400).
 */
export const CreateMessageBody = Type.Object(
  {
    message: Type.String({ maxLength: 65536 }),
    message_group_uuid: Type.Optional(Uuid),
    handle: Type.Optional(Type.String({ maxLength: 64, pattern: NO_NUL })),
  },
  { additionalProperties: false },
)
export type CreateMessageBody = Static<typeof CreateMessageBody>

export const CreateMessageResponse = Type.Object(
  { message_group_uuid: Uuid, uuid: Uuid, ...personAndMessage },
  { additionalProperties: false },
)
export type CreateMessageResponse = Static<typeof CreateMessageResponse>

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
})
export type IdempotencyHeaders = Static<typeof IdempotencyHeaders>

/** `POST /api/message_groups/:message_group_uuid/read`: the message read up to (default: the newest). */
export const MarkReadBody = Type.Object({ up_to: Type.Optional(Uuid) }, { additionalProperties: false })
export type MarkReadBody = Static<typeof MarkReadBody>

/** Where my read position is after a read, and what is still unread. */
export const ReadPosition = Type.Object(
  { message_group_uuid: Uuid, up_to: Uuid, unread_count: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
)
export type ReadPosition = Static<typeof ReadPosition>
