/** Outcomes of the access patterns that the caller must answer differently (no HTTP in here). */
export class ConversationNotFoundError extends Error {
  constructor() {
    super('conversation not found or caller not a member')
    this.name = 'ConversationNotFoundError'
  }
}

export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('idempotency key already used for a different request')
    this.name = 'IdempotencyKeyReusedError'
  }
}

/** The transaction kept colliding with concurrent writers; the caller may retry later. */
export class ContentionError extends Error {
  constructor(attempts: number, options?: { cause?: unknown }) {
    super(`transaction still contended after ${attempts} attempts`, options)
    this.name = 'ContentionError'
  }
}
