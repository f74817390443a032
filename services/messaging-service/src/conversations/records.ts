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
  /**
   * The conversation's sequence number of this message (1, 2, 3, ...), assigned by the send's
   * compare-and-set on the member entries: stored order and unread counts rest on it, never on a
   * wall clock. Absent on messages stored before sequences existed.
   */
  seq?: number
  /** How many of the other person's messages each member (slot 0, slot 1) had received up to and including this one. */
  received_0?: number
  received_1?: number
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
  /** The seq of the conversation's newest message (the same on both entries; absent = 0). */
  seq?: number
  /** How many messages the other person sent this member (absent = 0): unread = received - read_received. */
  received?: number
  /** This member's read position: the seq, `received` at it, the message uuid and when it was set. */
  read_seq?: number
  read_received?: number
  read_uuid?: string
  read_at?: string
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
