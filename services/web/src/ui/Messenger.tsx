import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks'
import { createApi } from '../api/endpoints.js'
import { ApiError } from '../api/http.js'
import type { Auth, Identity } from '../auth/session.js'
import { LiveStream } from '../live/stream.js'
import { initialState, type LiveStatus, reducer } from '../state/reducer.js'
import { ConversationView } from './ConversationView.js'
import { GroupList } from './GroupList.js'
import { NewConversation } from './NewConversation.js'
import { ErrorLine } from './parts.js'
import { useRoute } from './route.js'

const LIVE_WORDS: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
}

interface Props {
  auth: Auth
  me: Identity
  signOut(notice?: string): void
}

/** The signed-in page: conversations beside (or, narrow, instead of) the open one. */
export function Messenger({ auth, me, signOut }: Props) {
  const [state, dispatch] = useReducer(reducer, initialState)
  const [listError, setListError] = useState('')
  const [resync, setResync] = useState(0)
  const route = useRoute()
  const viewing = route.view === 'conversation' ? route.id : null
  const viewingRef = useRef(viewing)
  viewingRef.current = viewing
  const api = useMemo(() => createApi(() => auth.accessToken()), [auth])

  /** A refused token ends the session; other failures are shown where they happened. */
  const failed = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) signOut(e.message)
    },
    [signOut],
  )

  const loadGroups = useCallback(
    async (cursor: string | null = null) => {
      try {
        const page = await api.groups(cursor)
        dispatch({ type: 'groups', items: page.items, next: page.next, append: cursor !== null })
        setListError('')
      } catch (e) {
        setListError(e instanceof ApiError ? e.message : String(e))
        failed(e)
      }
    },
    [api, failed],
  )

  useEffect(() => {
    void loadGroups()
  }, [loadGroups])
  useEffect(() => {
    if (state.groupsStale) void loadGroups()
  }, [state.groupsStale, loadGroups])

  useEffect(() => {
    const refetch = () => {
      void loadGroups()
      setResync((n) => n + 1)
    }
    const stream = new LiveStream(
      {
        status: (status) => dispatch({ type: 'live', status }),
        // A conversation open in a hidden tab is not being read: its messages count as unread
        // until the page is visible again (then it is marked read).
        message: (event) => {
          const viewing = document.visibilityState === 'visible' ? viewingRef.current : null
          dispatch({ type: 'message', event, me: me.handle, viewing })
        },
        read: (event) => dispatch({ type: 'read', event, me: me.handle }),
        typing: (event) => dispatch({ type: 'typing', event, me: me.handle, now: Date.now() }),
        reset: refetch,
        resumed: refetch,
      },
      { ticket: async () => (await api.streamTicket()).ticket, EventSource },
    )
    stream.start()
    const online = () => stream.retryNow()
    window.addEventListener('online', online)
    return () => {
      window.removeEventListener('online', online)
      stream.stop()
    }
  }, [api, me.handle, loadGroups])

  return (
    <div class={viewing || route.view === 'new' ? 'app showing-detail' : 'app'}>
      <header class="top">
        <h1>Cruddur messages</h1>
        <p class={`live ${state.live}`} role="status">
          {LIVE_WORDS[state.live]}
        </p>
        <p class="whoami">
          {me.displayName} <span class="muted">@{me.handle}</span>
        </p>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <nav class="sidebar" aria-label="Conversations">
        <a class="button" href="#/new">
          New conversation
        </a>
        <ErrorLine text={listError} />
        <GroupList
          groups={state.groups}
          loaded={state.groupsLoaded}
          openId={viewing}
          hasMore={state.groupsNext !== null}
          loadMore={() => void loadGroups(state.groupsNext)}
        />
      </nav>
      <main class="detail">
        {route.view === 'conversation' ? (
          <ConversationView
            key={route.id}
            id={route.id}
            api={api}
            state={state}
            dispatch={dispatch}
            me={me.handle}
            resync={resync}
            failed={failed}
          />
        ) : route.view === 'new' ? (
          <NewConversation api={api} me={me.handle} dispatch={dispatch} />
        ) : (
          <p class="muted empty">Choose a conversation, or start a new one.</p>
        )}
      </main>
    </div>
  )
}
