import {
  answer,
  badRequest,
  dependencyUnavailable,
  errorAnswers,
  HttpError,
  notFound,
} from '@cruddur/service-kit'
import {
  DependencyUnavailableError,
  InvalidSignUpError,
  SignUpConflictError,
  UserNotFoundError,
} from '../directory/index.js'

/**
 * The one table from the directory's outcomes to HTTP answers, outages included: every route of
 * this service answers a domain error the same way, and a Postgres or Cognito outage is a 503
 * here and nowhere else. It answers an error from the table, or the error itself (HttpErrors,
 * Fastify's, bugs).
 */
export const httpAnswer = errorAnswers([
  answer(UserNotFoundError, (e) => notFound('user_not_found', e.message)),
  answer(InvalidSignUpError, (e) => badRequest(e.code, e.message)),
  answer(SignUpConflictError, (e) => new HttpError(409, e.codes, e.message)),
  answer(DependencyUnavailableError, (e) => dependencyUnavailable(e.dependency, e.cause)),
])
