import { useEffect, useRef, useState } from 'preact/hooks'
import type { Api } from '../api/endpoints.js'
import { ApiError } from '../api/http.js'
import { shouldSendTyping } from '../compose/typing-throttle.js'
import { emptyTimeline, seenMessage } from '../conversation/timeline.js'
import type { Action, State } from '../state/reducer.js'
import { Composer } from './Composer.js'
import { MessageList } from './MessageList.js'
import { DetailHead, ErrorLine } from './parts.js'

interface Props {
  id: string
  api: Api
  state: State
  dispatch(action: Action): void
  me: string
  /** Bumped when the stream came back or reset: fetch the newest page again. */
  resync: number
  failed(error: unknown): void
}

/** One conversation: its messages, "Seen", who is typing, and the composer. */
export function ConversationView({ id, api, state, dispatch, me, resync, failed }: Props) {
  const [error, setError] = useState('')
  const [loadingOlder, setLoadingOlder] = useState(false)
  const lastTyping = useRef<number | undefined>(undefined)
  const markedUpTo = useRef<string | undefined>(undefined)
  const tl = state.timelines[id] ?? emptyTimeline
  const group = state.groups.find((g) => g.uuid === id)
  const other = group ?? tl.messages.find((m) => m.handle.toLowerCase() !== me.toLowerCase())
  const typist = state.typing[id]

  useEffect(() => {
    let live = true
    setError('')
    api
      .messages(id)
      .then((page) => live && dispatch({ type: 'newest', group: id, items: page.items, next: page.next }))
      .catch((e) => {
        if (!live) return
        setError(e instanceof ApiError ? e.message : String(e))
        failed(e)
      })
    return () => {
      live = false
    }
  }, [id, resync])

  // Viewing it reads it: tell the server up to the newest message, once per newest message.
  const newest = tl.messages.at(-1)
  useEffect(() => {
    if (!newest || markedUpTo.current === newest.uuid) return
    const mark = () => {
      if (document.visibilityState !== 'visible' || markedUpTo.current === newest.uuid) return
      markedUpTo.current = newest.uuid
      api
        .markRead(id, newest.uuid)
        .then((r) => dispatch({ type: 'myRead', group: id, unread: r.unread_count }))
        .catch(() => {}) // read state is a nicety; a server without it answers 404
    }
    mark()
    document.addEventListener('visibilitychange', mark)
    return () => document.removeEventListener('visibilitychange', mark)
  }, [id, newest?.uuid])

  useEffect(() => {
    if (!typist) return
    const timer = setTimeout(
      () => dispatch({ type: 'typingEnd', group: id, now: Date.now() }),
      typist.until - Date.now(),
    )
    return () => clearTimeout(timer)
  }, [typist?.until])

  async function loadOlder() {
    if (!tl.older || loadingOlder) return
    setLoadingOlder(true)
    try {
      const page = await api.messages(id, tl.older)
      dispatch({ type: 'older', group: id, items: page.items, next: page.next })
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e))
      failed(e)
    } finally {
      setLoadingOlder(false)
    }
  }

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <DetailHead titleId="conversation-title">
        {other ? (
          <>
            {other.display_name} <span class="muted">@{other.handle}</span>
          </>
        ) : (
          'Conversation'
        )}
      </DetailHead>
      <ErrorLine text={error} />
      <MessageList
        messages={tl.messages}
        me={me}
        seen={seenMessage(tl, me, state.otherRead[id])}
        hasOlder={tl.older !== null}
        loadingOlder={loadingOlder}
        loadOlder={() => void loadOlder()}
      />
      <p class="typing" aria-live="polite">
        {typist ? `${typist.handle} is typing…` : ''}
      </p>
      <Composer
        id="reply"
        label="Message"
        onTyping={() => {
          const now = Date.now()
          if (!shouldSendTyping(lastTyping.current, now)) return
          lastTyping.current = now
          api.typing(id).catch(() => {}) // typing is ephemeral; a server without it answers 404
        }}
        send={async (text, key) => {
          const sent = await api.send({ message_group_uuid: id }, text, key)
          dispatch({ type: 'message', event: sent, me, viewing: id })
        }}
      />
    </section>
  )
}
