import type { MemberRecord } from './records.js'

/**
 * The other person's messages after a member's read position. Both counts live on the member's
 * own entry: `received` moves in the send's transaction, `read_received` (the value of `received`
 * at the read message, copied from that message's record) when the position moves. Neither is
 * ever computed from a scan, so the difference is exact under concurrent sends and reads.
 */
export const unreadCount = (entry: Pick<MemberRecord, 'received' | 'read_received'>) =>
  Math.max(0, (entry.received ?? 0) - (entry.read_received ?? 0))
