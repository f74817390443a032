/**
 * One Idempotency-Key per message, not per request: a retry of the same text after a network
 * error reuses the key, so the server stores it once however many times the request got through.
 * An edited text is a new message and gets a new key.
 */
export interface PendingSend {
  text: string
  key: string
}

export function attemptFor(
  pending: PendingSend | null,
  text: string,
  newKey: () => string = () => crypto.randomUUID(),
): PendingSend {
  if (pending && pending.text === text) return pending
  return { text, key: newKey() }
}
