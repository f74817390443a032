import { useRef, useState } from 'preact/hooks'
import { errorWords } from '../api/error-words.js'
import { ApiError } from '../api/http.js'
import { attemptFor, type PendingSend } from '../compose/idempotency.js'
import { lengthStatus, MAX_CHARS } from '../compose/length.js'

export interface ComposerProps {
  /** Sends `text` with this Idempotency-Key; a retry of the same text gets the same key. */
  send(text: string, idempotencyKey: string): Promise<void>
  onTyping?: () => void
  label: string
  id: string
}

/** A retry of these may reach a server that already stored the message: keep the key. */
const retryable = (e: ApiError) => e.status === 0 || e.status >= 500 || e.status === 429

/** Enter sends, Shift+Enter is a new line; the length in code points is shown as you type. */
export function Composer({ send, onTyping, label, id }: ComposerProps) {
  const [text, setText] = useState('')
  const [error, setError] = useState('')
  const [sending, setSending] = useState(false)
  const pending = useRef<PendingSend | null>(null)
  const status = lengthStatus(text)

  async function submit() {
    if (sending) return
    if (status.blank) return setError(errorWords(['message_blank']))
    if (status.over) return setError(errorWords(['message_exceed_max_chars']))
    const attempt = attemptFor(pending.current, text)
    pending.current = attempt
    setSending(true)
    setError('')
    try {
      await send(attempt.text, attempt.key)
      pending.current = null
      setText('')
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, ['unexpected'])
      if (!retryable(err)) pending.current = null
      setError(retryable(err) ? `${err.message} Press Enter or Send to retry.` : err.message)
    } finally {
      setSending(false)
    }
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <label for={`${id}-text`} class="visually-hidden">
        {label}
      </label>
      <textarea
        id={`${id}-text`}
        value={text}
        rows={2}
        placeholder="Write a message…"
        aria-describedby={`${id}-count ${id}-error`}
        aria-invalid={status.over}
        onInput={(e) => {
          setText(e.currentTarget.value)
          if (error) setError('')
          onTyping?.()
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault()
            void submit()
          }
        }}
      />
      <div class="composer-bar">
        <span id={`${id}-count`} class={status.over ? 'count over' : 'count'}>
          {status.count} / {MAX_CHARS}
          {status.over ? ` (${-status.remaining} too many)` : ''}
        </span>
        <button type="submit" disabled={sending}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <p id={`${id}-error`} class="error" role="alert">
        {error}
      </p>
    </form>
  )
}
