import type { ComponentChildren } from 'preact'

/** The head of a detail view (a conversation, a new one): the way back to the list, and its title. */
export function DetailHead({ titleId, children }: { titleId: string; children: ComponentChildren }) {
  return (
    <header class="conversation-head">
      <a href="#/" class="back">
        ← Conversations
      </a>
      <h2 id={titleId}>{children}</h2>
    </header>
  )
}

/** An error in words, announced to screen readers; nothing when there is none. */
export function ErrorLine({ text }: { text: string }) {
  return text ? (
    <p class="error" role="alert">
      {text}
    </p>
  ) : null
}
