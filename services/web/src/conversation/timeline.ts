import type { MessageItem } from '@cruddur/types'

/**
 * The messages of one conversation as the page holds them: a contiguous run, oldest first, with
 * the cursor to the run before it. Pages and live events are merged in here and only here.
 */
export interface Timeline {
  messages: MessageItem[]
  /** Cursor of the page before `messages[0]`; null: the conversation starts here. */
  older: string | null
}

export const emptyTimeline: Timeline = { messages: [], older: null }

/**
 * The server's order: time, then uuid (its sort key is `time#uuid`), so two messages of one
 * millisecond sit the same way here as there. ISO times in UTC compare as strings.
 */
export function compareMessages(a: MessageItem, b: MessageItem): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1
  return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0
}

/** Both runs, each message once (by uuid, the copy already held wins), in the server's order. */
export function mergeMessages(held: readonly MessageItem[], incoming: readonly MessageItem[]): MessageItem[] {
  const seen = new Set(held.map((m) => m.uuid))
  const fresh = incoming.filter((m) => {
    if (seen.has(m.uuid)) return false
    seen.add(m.uuid)
    return true
  })
  if (fresh.length === 0) return held as MessageItem[]
  return [...held, ...fresh].sort(compareMessages)
}

/**
 * The newest page (on open, or again after the stream came back). When it does not reach back
 * to what is held and there is more before it, the two runs might not touch: keeping both would
 * leave a hole, so the held run is dropped and scrolling up fetches the rest again.
 */
export function withNewestPage(tl: Timeline, page: readonly MessageItem[], next: string | null): Timeline {
  const newestHeld = tl.messages.at(-1)
  if (!newestHeld) return { messages: mergeMessages([], page), older: next }
  const oldestOfPage = page.reduce<MessageItem | undefined>(
    (min, m) => (!min || compareMessages(m, min) < 0 ? m : min),
    undefined,
  )
  const touches =
    next === null ||
    !oldestOfPage ||
    compareMessages(oldestOfPage, newestHeld) <= 0 ||
    page.some((m) => m.uuid === newestHeld.uuid)
  if (!touches) return { messages: mergeMessages([], page), older: next }
  return { messages: mergeMessages(tl.messages, page), older: next === null ? null : tl.older }
}

/** A page from `tl.older`: it ends where the held run begins, so it goes in front. */
export function withOlderPage(tl: Timeline, page: readonly MessageItem[], next: string | null): Timeline {
  return { messages: mergeMessages(tl.messages, page), older: next }
}

/** A message from the stream (or my own send's answer): in place, once. */
export function withMessage(tl: Timeline, message: MessageItem): Timeline {
  const messages = mergeMessages(tl.messages, [message])
  return messages === tl.messages ? tl : { ...tl, messages }
}

/**
 * "Seen": the uuid of my last message when the other person's read position (`upTo`, a message
 * uuid) is at or after it; null while they have not read it, or it is not held.
 */
export function seenMessage(tl: Timeline, myHandle: string, upTo: string | undefined): string | null {
  if (!upTo) return null
  const me = myHandle.toLowerCase()
  let mine = -1
  let read = -1
  tl.messages.forEach((m, i) => {
    if (m.handle.toLowerCase() === me) mine = i
    if (m.uuid === upTo) read = i
  })
  return mine >= 0 && read >= mine ? (tl.messages[mine]?.uuid ?? null) : null
}
