/**
 * The single-table layout (docs/messaging-service.md has the access-pattern table).
 *
 * | item         | pk                    | sk                      | gsi1pk       | gsi1sk            |
 * |--------------|-----------------------|-------------------------|--------------|-------------------|
 * | message      | CONV#<conversation>   | MSG#<iso>#<message>     |              |                   |
 * | member entry | CONV#<conversation>   | MSG~MEMBER#<0|1>        | USER#<user>  | sk of last message|
 * | pair         | PAIR#<low>#<high>     | PAIR                    |              |                   |
 * | idempotency  | IDEM#<user>#<key>     | IDEM                    |              |                   |
 *
 * '~' sorts after '#', so a descending Query on `begins_with(sk, 'MSG')` returns the two member
 * entries first and then the newest messages: one request both proves membership and reads the
 * page. Member entries are slotted by the sorted pair (0 = lower uuid), so a send can update both
 * without first reading who the other person is.
 */
export const MSG_PREFIX = 'MSG#'
export const MEMBER_PREFIX = 'MSG~MEMBER#'
export const GSI_BY_USER = 'gsi1-user-activity'

export const conversationPk = (conversationUuid: string) => `CONV#${conversationUuid}`
export const messageSk = (createdAt: string, messageUuid: string) =>
  `${MSG_PREFIX}${createdAt}#${messageUuid}`
export const memberSk = (slot: 0 | 1) => `${MEMBER_PREFIX}${slot}`
export const userGsiPk = (userUuid: string) => `USER#${userUuid}`
export const idempotencyPk = (userUuid: string, key: string) => `IDEM#${userUuid}#${key}`
export const IDEMPOTENCY_SK = 'IDEM'
export const PAIR_SK = 'PAIR'

/** The pair in a stable order: the same two people always give the same record. */
export function sortedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a]
}
export const pairPk = (a: string, b: string) => {
  const [low, high] = sortedPair(a, b)
  return `PAIR#${low}#${high}`
}

/**
 * Items carry nothing their keys already say (conversation, message id and time live in pk/sk):
 * every byte is paid for on each write and each page read.
 */
export interface MessageRecord {
  pk: string
  sk: string
  kind: 'message'
  sender_uuid: string
  message: string
}

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

/** `CONV#<uuid>` → uuid */
export const conversationOf = (pk: string) => pk.slice('CONV#'.length)

/** `MSG#<iso>#<uuid>` → its time and message uuid. */
export function parseMessageSk(sk: string): { createdAt: string; messageUuid: string } {
  const rest = sk.slice(MSG_PREFIX.length)
  const cut = rest.lastIndexOf('#')
  return { createdAt: rest.slice(0, cut), messageUuid: rest.slice(cut + 1) }
}

export interface PairRecord {
  pk: string
  sk: string
  kind: 'pair'
  conversation_uuid: string
  created_at: string
}

export interface IdempotencyRecord {
  pk: string
  sk: string
  kind: 'idempotency'
  request_hash: string
  response: Record<string, unknown>
  created_at: string
  /** Epoch seconds; DynamoDB TTL deletes the record some time after. */
  expires_at: number
}

export type TableKey = Record<string, string>
