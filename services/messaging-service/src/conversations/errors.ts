/** Outcomes of the use cases that callers answer differently (no HTTP in here: see routes/error-answers.ts). */
abstract class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Unknown, or the caller is not one of its two people (the two look the same from outside). */
export class ConversationNotFoundError extends DomainError {
  constructor() {
    super('conversation not found or caller not a member')
  }
}

/** `up_to` names no message of the conversation (and the caller has no read position to keep). */
export class MessageNotFoundError extends DomainError {
  constructor() {
    super('no such message in this conversation')
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('idempotency key already used for a different request')
  }
}

/** The caller's Cognito sub is not in the user directory (yet). */
export class CallerNotRegisteredError extends DomainError {
  constructor() {
    super('the caller is not in the user directory')
  }
}

/** No user has the handle a message was addressed to. */
export class RecipientNotFoundError extends DomainError {
  constructor(readonly handle: string) {
    super(`no user with the handle @${handle}`)
  }
}

/** The recipient is the sender: a conversation needs two people. */
export class CannotMessageSelfError extends DomainError {
  constructor() {
    super('a conversation needs two people')
  }
}

/** A cursor this list did not hand to this caller (forged, foreign, or signed with another secret). */
export class InvalidCursorError extends DomainError {
  constructor() {
    super('the cursor is not one this list handed out')
  }
}

/** The transaction kept colliding with concurrent writers; the caller may retry later. */
export class ContentionError extends DomainError {
  constructor(attempts: number, options?: { cause?: unknown }) {
    super(`transaction still contended after ${attempts} attempts`, options)
  }
}

/** An engine or service this one depends on is down, slow or refusing us (DynamoDB, user-service, JWKS). */
export class DependencyUnavailableError extends DomainError {
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options)
  }
}
