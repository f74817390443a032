/**
 * The single-table layout (the docs have the access-pattern table).
 *
 * | item                          | pk                  | sk                  | gsi1pk      | gsi1sk             |
 * |-------------------------------|---------------------|---------------------|-------------|--------------------|
 * | message                       | CONV#<conversation> | MSG#<iso>#<message> |             |                    |
 * | member entry                  | CONV#<conversation> | MSG~MEMBER#<0|1>    | USER#<user> | sk of last message |
 * | pair lock / conversation index| PAIR#<low>#<high>   | PAIR                |             |                    |
 * | idempotency record            | IDEM#<user>#<key>   | IDEM                |             |                    |
 *
 * '~' sorts after '#', so a descending Query on `begins_with(sk, 'MSG')` returns the two member
 * entries first and then the newest messages: one request both proves membership and reads the
 * page. Member entries are slotted by the sorted pair (0 = lower uuid), so a send can update both
 * without first reading who the other person is.
 */
export const MSG_PREFIX = 'MSG#'
export const MEMBER_PREFIX = 'MSG~MEMBER#'

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

/** `CONV#<uuid>` → uuid */
export const conversationOf = (pk: string) => pk.slice('CONV#'.length)

/** `MSG#<iso>#<uuid>` → its time and message uuid. */
export function parseMessageSk(sk: string): { createdAt: string; messageUuid: string } {
  const rest = sk.slice(MSG_PREFIX.length)
  const cut = rest.lastIndexOf('#')
  return { createdAt: rest.slice(0, cut), messageUuid: rest.slice(cut + 1) }
}

/** A table key as a cursor carries it (LastEvaluatedKey: string attributes only). */
export type TableKey = Record<string, string>

/** The read feed of a user: the read events of their conversations, for streams that resume. */
export const feedPk = (userUuid: string) => `FEED#${userUuid}`
export const READ_PREFIX = 'READ#'
export const readFeedSk = (readAt: string, conversationUuid: string, readerUuid: string) =>
  `${READ_PREFIX}${readAt}#${conversationUuid}#${readerUuid}`
