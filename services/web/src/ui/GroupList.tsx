import type { GroupEntry } from '../api/endpoints.js'
import { whenOf } from './format.js'
import { hrefOf } from './route.js'

interface Props {
  groups: GroupEntry[]
  loaded: boolean
  openId: string | null
  hasMore: boolean
  loadMore(): void
}

/** My conversations, most recent first: the other person, the last message, unread badge. */
export function GroupList({ groups, loaded, openId, hasMore, loadMore }: Props) {
  if (!loaded) return <p class="muted">Loading conversations…</p>
  if (groups.length === 0) return <p class="muted">No conversations yet. Start one above.</p>
  return (
    <>
      <ul class="groups" aria-label="Conversations">
        {groups.map((g) => (
          <li key={g.uuid}>
            <a
              href={hrefOf({ view: 'conversation', id: g.uuid })}
              aria-current={g.uuid === openId ? 'page' : undefined}
              class="group"
              data-uuid={g.uuid}
            >
              <span class="group-who">
                <strong>{g.display_name}</strong> <span class="muted">@{g.handle}</span>
              </span>
              <span class="group-last">{g.message}</span>
              <time class="muted" dateTime={g.created_at}>
                {whenOf(g.created_at)}
              </time>
              {/* The open conversation is being read: a count the server gave before my read
                  position caught up is not shown there. */}
              {g.unread_count && g.uuid !== openId ? (
                <span class="badge">
                  {g.unread_count}
                  <span class="visually-hidden"> unread</span>
                </span>
              ) : null}
            </a>
          </li>
        ))}
      </ul>
      {hasMore ? (
        <button type="button" class="link" onClick={loadMore}>
          More conversations
        </button>
      ) : null}
    </>
  )
}
