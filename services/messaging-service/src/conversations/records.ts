import type { SentMessage } from './message.js'

/**
 * The items of the table, as stored. Items carry nothing their keys already say (conversation,
 * message id and time live in pk/sk): every byte is paid for on each write and each page read.
 */
export interface MessageRecord {
  pk: string
  sk: string
  kind: 'message'
  sender_uuid: string
  message: string
}

/** One participant's entry of a conversation: what their conversation list shows. */
export interface MemberRecord {
  pk: string
  sk: string
  kind: 'member'
  user_uuid: string
  other_uuid: string
  gsi1pk: string
  /** The sort key of the newest message: orders the conversation list, and guards against going back in time. */
  gsi1sk: string
  last_message: string
}

/**
 * The pair lock / conversation index: one per pair of people, naming their conversation. Written
 * with attribute_not_exists, it is what makes a second or racing "start" reuse the conversation.
 */
export interface PairRecord {
  pk: string
  sk: string
  kind: 'pair'
  conversation_uuid: string
  created_at: string
}

/** An Idempotency-Key's record: the request's hash and the answer it got, for 24 hours. */
export interface IdempotencyRecord {
  pk: string
  sk: string
  kind: 'idempotency'
  request_hash: string
  response: SentMessage
  created_at: string
  /** Epoch seconds; DynamoDB TTL deletes the record some time after. */
  expires_at: number
}
