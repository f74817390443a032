import type { CreateMessageResponse } from '@cruddur/types'
import type { GroupEntry } from '../api/endpoints.js'

/**
 * The `message` event of the stream: a message stored in one of my conversations, in the shape
 * POST …/messages answers it with.
 */
export type MessageEvent = CreateMessageResponse

/** Most recent activity first, as the server lists them; equal times keep their order. */
const byActivity = (a: GroupEntry, b: GroupEntry) =>
  a.created_at === b.created_at ? 0 : a.created_at < b.created_at ? 1 : -1

/** The next page of my list, each conversation once. */
export function withGroupsPage(held: readonly GroupEntry[], page: readonly GroupEntry[]): GroupEntry[] {
  const ids = new Set(held.map((g) => g.uuid))
  return [...held, ...page.filter((g) => !ids.has(g.uuid))]
}

export interface MessageOutcome {
  groups: GroupEntry[]
  /**
   * Fetch the list again: the conversation was not in it. From me (another device) the event
   * cannot say who the other person is; from them it can, but only the server knows whether
   * it counts unread messages (an empty list does not say).
   */
  unknown: boolean
}

/**
 * A new message moves its conversation to the top with that message as its last. A message
 * from the other person counts as unread unless I am looking at that conversation; counts exist
 * only where the server gives them (no count, no badge). A message not newer than the entry's
 * last one changes nothing: it is a replay, of that very message or an older one (within a
 * conversation no two messages share a created_at), and counting it again would make the badge
 * drift after every reconnect.
 */
export function withMessageEvent(
  groups: readonly GroupEntry[],
  event: MessageEvent,
  me: string,
  viewing: string | null,
): MessageOutcome {
  const fromOther = event.handle.toLowerCase() !== me.toLowerCase()
  const existing = groups.find((g) => g.uuid === event.message_group_uuid)
  if (!existing) {
    if (!fromOther) return { groups: groups as GroupEntry[], unknown: true }
    const entry: GroupEntry = {
      uuid: event.message_group_uuid,
      display_name: event.display_name,
      handle: event.handle,
      message: event.message,
      created_at: event.created_at,
      ...(groups.some((g) => g.unread_count !== undefined) && viewing !== event.message_group_uuid
        ? { unread_count: 1 }
        : {}),
    }
    return { groups: [entry, ...groups].sort(byActivity), unknown: true }
  }
  if (event.created_at <= existing.created_at) return { groups: groups as GroupEntry[], unknown: false }
  const counts = fromOther && viewing !== existing.uuid && existing.unread_count !== undefined
  const updated: GroupEntry = {
    ...existing,
    message: event.message,
    created_at: event.created_at,
    ...(counts ? { unread_count: (existing.unread_count ?? 0) + 1 } : {}),
  }
  return { groups: groups.map((g) => (g === existing ? updated : g)).sort(byActivity), unknown: false }
}

/** I read a conversation (here or on another device): its badge goes. */
export function withReadByMe(groups: readonly GroupEntry[], groupUuid: string, unread = 0): GroupEntry[] {
  return groups.map((g) =>
    g.uuid === groupUuid && g.unread_count !== undefined ? { ...g, unread_count: unread } : g,
  )
}
