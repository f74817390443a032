import {
  answer,
  badRequest,
  conflict,
  dependencyUnavailable,
  errorAnswers,
  forbidden,
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
  MessageNotFoundError,
  RecipientNotFoundError,
} from '../conversations/index.js'

/**
 * The one table from the domain's outcomes to HTTP answers, outages included: every route of this
 * service answers a domain error the same way, and an engine or user-service outage is a 503
 * here and nowhere else. It answers an error from the table, or the error itself (HttpErrors,
 * Fastify's, bugs).
 */
export const httpAnswer = errorAnswers([
  answer(ConversationNotFoundError, () =>
    notFound('message_group_not_found', 'No such conversation, or you are not part of it'),
  ),
  answer(MessageNotFoundError, () =>
    notFound('message_not_found', 'up_to is not a message of this conversation'),
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
])

/** A send over the caller's limit: the error body, and `Retry-After` (seconds) saying when to try again. */
export const RATE_LIMITED_RESPONSE = {
  ...ErrorBody,
  // A copy, not a reference: two schemas with ErrorBody's $id in one route would clash.
  $id: undefined,
  description: 'Too many sends: `rate_limited`',
  headers: {
    'retry-after': { type: 'integer', minimum: 0, description: 'Seconds until sends are accepted again' },
  },
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
