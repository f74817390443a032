import type { UserShort } from '@cruddur/types'
import { useState } from 'preact/hooks'
import { type Api, lookupUser } from '../api/endpoints.js'
import { errorWords } from '../api/error-words.js'
import { ApiError } from '../api/http.js'
import { parseHandle } from '../compose/handle.js'
import type { Action } from '../state/reducer.js'
import { Composer } from './Composer.js'
import { DetailHead } from './parts.js'
import { navigate } from './route.js'

interface Props {
  api: Api
  me: string
  dispatch(action: Action): void
}

/** Start a conversation by handle: look them up first, so you see who gets the message. */
export function NewConversation({ api, me, dispatch }: Props) {
  const [handle, setHandle] = useState('')
  const [found, setFound] = useState<UserShort | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  async function lookUp() {
    const wanted = parseHandle(handle)
    setFound(null)
    setError('')
    if (!wanted) return setError(errorWords(['invalid_handle']))
    if (wanted.toLowerCase() === me.toLowerCase()) return setError(errorWords(['cannot_message_self']))
    setBusy(true)
    try {
      setFound(await lookupUser(wanted))
    } catch (e) {
      setError(e instanceof ApiError ? e.message : errorWords(['unexpected']))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="new" aria-labelledby="new-title">
      <DetailHead titleId="new-title">New conversation</DetailHead>
      <form
        class="lookup"
        onSubmit={(e) => {
          e.preventDefault()
          void lookUp()
        }}
      >
        <label for="new-handle">Their handle</label>
        <input
          id="new-handle"
          value={handle}
          autocomplete="off"
          placeholder="@handle"
          aria-describedby="new-error"
          onInput={(e) => {
            setHandle(e.currentTarget.value)
            setFound(null)
          }}
        />
        <button type="submit" disabled={busy}>
          Look up
        </button>
      </form>
      <p id="new-error" class="error" role="alert">
        {error}
      </p>
      {found ? (
        <div class="found">
          <p>
            To <strong>{found.display_name}</strong> <span class="muted">@{found.handle}</span>
          </p>
          <Composer
            id="first"
            label={`First message to @${found.handle}`}
            send={async (text, key) => {
              const sent = await api.send({ handle: found.handle }, text, key)
              dispatch({ type: 'message', event: sent, me, viewing: sent.message_group_uuid })
              navigate({ view: 'conversation', id: sent.message_group_uuid })
            }}
          />
        </div>
      ) : null}
    </section>
  )
}
