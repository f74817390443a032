import type { MessageItem } from '@cruddur/types'
import { Fragment } from 'preact'
import { useLayoutEffect, useRef } from 'preact/hooks'
import { dayOf, startsNewDay, timeOf } from './format.js'

interface Props {
  messages: MessageItem[]
  me: string
  seen: string | null
  hasOlder: boolean
  loadingOlder: boolean
  loadOlder(): void
}

/** How close to the top (px) scrolling has to come before the older page is fetched. */
const NEAR_TOP = 120
const NEAR_BOTTOM = 80

/**
 * Oldest at the top, newest at the bottom and in view. Scrolling near the top fetches the page
 * before; the view stays on the message it showed (the new height is added to the scroll
 * position). A new message at the bottom is scrolled to when the reader was at the bottom.
 */
export function MessageList({ messages, me, seen, hasOlder, loadingOlder, loadOlder }: Props) {
  const box = useRef<HTMLElement>(null)
  const last = useRef<{ first?: string; lastId?: string; height: number; atBottom: boolean }>({
    height: 0,
    atBottom: true,
  })

  useLayoutEffect(() => {
    const el = box.current
    if (!el) return
    const before = last.current
    const first = messages[0]?.uuid
    const lastId = messages.at(-1)?.uuid
    if (before.first && first !== before.first && lastId === before.lastId) {
      el.scrollTop += el.scrollHeight - before.height
    } else if (before.atBottom || (lastId !== before.lastId && messages.at(-1)?.handle === me)) {
      el.scrollTop = el.scrollHeight
    }
    last.current = { first, lastId, height: el.scrollHeight, atBottom: before.atBottom }
  }, [messages, me])

  const onScroll = () => {
    const el = box.current
    if (!el) return
    last.current.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM
    last.current.height = el.scrollHeight
    if (el.scrollTop < NEAR_TOP && hasOlder && !loadingOlder) loadOlder()
  }

  const mine = me.toLowerCase()
  return (
    // A scrollable region must take focus, or keyboard users cannot scroll it (WCAG 2.1.1).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so the keyboard can scroll it
    <section class="messages" ref={box} onScroll={onScroll} tabIndex={0} aria-label="Messages">
      {hasOlder ? (
        <button type="button" class="link older" disabled={loadingOlder} onClick={loadOlder}>
          {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
        </button>
      ) : (
        <p class="muted start">This is the start of the conversation.</p>
      )}
      <ol>
        {messages.map((m, i) => (
          <Fragment key={m.uuid}>
            {startsNewDay(messages[i - 1]?.created_at, m.created_at) ? (
              <li class="day">{dayOf(m.created_at)}</li>
            ) : null}
            <li class={m.handle.toLowerCase() === mine ? 'message mine' : 'message'} data-uuid={m.uuid}>
              <p class="meta">
                <strong>{m.display_name}</strong> <time dateTime={m.created_at}>{timeOf(m.created_at)}</time>
              </p>
              <p class="text">{m.message}</p>
              {m.uuid === seen ? <p class="seen">Seen</p> : null}
            </li>
          </Fragment>
        ))}
      </ol>
    </section>
  )
}
