/** Outcomes of the use cases that the caller must answer differently (no HTTP in here). */
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

/** The caller's Cognito sub is not in the user directory (yet). */
export class CallerNotRegisteredError extends Error {
  constructor() {
    super('the caller is not in the user directory')
    this.name = 'CallerNotRegisteredError'
  }
}

/** No user has the handle a message was addressed to. */
export class RecipientNotFoundError extends Error {
  constructor(readonly handle: string) {
    super(`no user with the handle @${handle}`)
    this.name = 'RecipientNotFoundError'
  }
}

/** The recipient is the sender: a conversation needs two people. */
export class CannotMessageSelfError extends Error {
  constructor() {
    super('a conversation needs two people')
    this.name = 'CannotMessageSelfError'
  }
}

/** A cursor this list did not hand to this caller (forged, foreign, or signed with another secret). */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this list handed out')
    this.name = 'InvalidCursorError'
  }
}

/** The transaction kept colliding with concurrent writers; the caller may retry later. */
export class ContentionError extends Error {
  constructor(attempts: number, options?: { cause?: unknown }) {
    super(`transaction still contended after ${attempts} attempts`, options)
    this.name = 'ContentionError'
  }
}

/** An engine or service this one depends on is down, slow or refusing us (DynamoDB, user-service). */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options)
    this.name = 'DependencyUnavailableError'
  }
}
