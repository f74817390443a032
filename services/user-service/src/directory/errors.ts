import type { ErrorCode } from '@cruddur/types'

/** Outcomes of the directory's use cases that callers answer differently (no HTTP in here: see routes/error-answers.ts). */
abstract class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** No user has the handle, sub or uuid asked for. */
export class UserNotFoundError extends DomainError {}

/** A sign-up (PostConfirmation event) that breaks a rule: nothing is stored. */
export class InvalidSignUpError extends DomainError {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** A sign-up whose handle, e-mail or sub belongs to another user: never an overwrite. */
export class SignUpConflictError extends DomainError {
  constructor(
    readonly codes: ErrorCode[],
    message: string,
  ) {
    super(message)
  }
}

/** An engine the directory depends on (PostgreSQL, Cognito) is down, slow or refusing us. */
export class DependencyUnavailableError extends DomainError {
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options)
  }
}
