import { type Static, Type } from 'typebox'
import { Timestamp, Uuid } from './common.js'

/** `POST /api/stream/ticket`: a single-use ticket for `GET /api/stream?ticket=` (EventSource sends no headers). */
export const StreamTicket = Type.Object(
  { ticket: Type.String({ minLength: 1 }), expires_at: Timestamp },
  { additionalProperties: false },
)
export type StreamTicket = Static<typeof StreamTicket>

/** `GET /api/stream` query: a ticket (or the Authorization header instead), and where to resume. */
export const StreamQuery = Type.Object({
  ticket: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  last_event_id: Type.Optional(Type.String({ minLength: 1, maxLength: 16_384 })),
})
export type StreamQuery = Static<typeof StreamQuery>

/** The data of the stream's `read` event: `handle` moved their read position to message `up_to`. */
export const ReadEvent = Type.Object(
  { message_group_uuid: Uuid, handle: Type.String(), up_to: Uuid, read_at: Timestamp },
  { additionalProperties: false },
)
export type ReadEvent = Static<typeof ReadEvent>

/** The data of the stream's `typing` event (never replayed). */
export const TypingEvent = Type.Object(
  { message_group_uuid: Uuid, handle: Type.String() },
  { additionalProperties: false },
)
export type TypingEvent = Static<typeof TypingEvent>
