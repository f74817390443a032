import {
  badRequest,
  conflict,
  dependencyUnavailable,
  forbidden,
  HttpError,
  notFound,
  unprocessable,
} from '@cruddur/service-kit'
import { ErrorBody } from '@cruddur/types'
import {
  CallerNotRegisteredError,
  CannotMessageSelfError,
  ContentionError,
  ConversationNotFoundError,
  DependencyUnavailableError,
  IdempotencyKeyReusedError,
  InvalidCursorError,
  RecipientNotFoundError,
} from '../conversations/index.js'

type Answer<E extends Error> = [new (...args: never[]) => E, (err: E) => HttpError]
const answer = <E extends Error>(type: new (...args: never[]) => E, toHttp: (err: E) => HttpError) =>
  [type, toHttp] as Answer<E>

/**
 * The one table from the domain's outcomes to HTTP answers, outages included: every route of this
 * service answers a domain error the same way, and an engine or user-service outage is a 503
 * here and nowhere else.
 */
const ANSWERS: Answer<Error>[] = [
  answer(ConversationNotFoundError, () =>
    notFound('message_group_not_found', 'No such conversation, or you are not part of it'),
  ),
  answer(RecipientNotFoundError, (e) => notFound('user_not_found', `No user with the handle @${e.handle}`)),
  answer(CallerNotRegisteredError, () =>
    forbidden('user_not_registered', 'Your account is not in the user directory yet'),
  ),
  answer(CannotMessageSelfError, () => unprocessable('cannot_message_self', 'You cannot message yourself')),
  answer(IdempotencyKeyReusedError, () =>
    conflict('idempotency_key_reused', 'This Idempotency-Key was used for a different request'),
  ),
  answer(InvalidCursorError, () =>
    badRequest('invalid_cursor', 'The cursor is not one this list handed out'),
  ),
  answer(ContentionError, (e) => dependencyUnavailable('dynamodb (busy conversation)', e)),
  answer(DependencyUnavailableError, (e) => dependencyUnavailable(e.dependency, e.cause)),
] as Answer<Error>[]

/** The HTTP answer to an error: from the table, or the error itself (HttpErrors, Fastify's, bugs). */
export function httpAnswer(err: unknown): unknown {
  if (err instanceof HttpError) return err
  const row = ANSWERS.find(([type]) => err instanceof type)
  return row ? row[1](err as Error) : err
}

/** The error responses every route here may give (for the OpenAPI description and serialization). */
export const ERROR_RESPONSES = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  503: ErrorBody,
}
