import type { ComponentChildren } from 'preact'

interface Props {
  /** signin, signup or confirm: the title's id is `<name>-title`. */
  name: string
  title: string
  submit: string
  busy: boolean
  error: string
  onSubmit(): void
  /** Below the error line: the way to the other form, or "send a new code". */
  after: ComponentChildren
  children: ComponentChildren
}

/** One form of the sign-in screen: its title, fields and submit button, the error line, then `after`. */
export function AuthForm({ name, title, submit, busy, error, onSubmit, after, children }: Props) {
  return (
    <form
      aria-labelledby={`${name}-title`}
      onSubmit={(e) => {
        e.preventDefault()
        onSubmit()
      }}
    >
      <h2 id={`${name}-title`}>{title}</h2>
      {children}
      <button type="submit" disabled={busy}>
        {submit}
      </button>
      <p class="error" role="alert">
        {error}
      </p>
      {after}
    </form>
  )
}
