import { type Static, Type } from 'typebox'

/**
 * Machine-readable error codes that appear in the `errors` array of an error body.
 * The HTTP status for each is fixed (docs/api.md, Errors).
 */
export const ErrorCodes = {
  unauthorized: 'unauthorized',
  messageBlank: 'message_blank',
  messageExceedMaxChars: 'message_exceed_max_chars',
  handleBlank: 'handle_blank',
  cannotMessageSelf: 'cannot_message_self',
  userNotFound: 'user_not_found',
  messageGroupNotFound: 'message_group_not_found',
  messageNotFound: 'message_not_found',
  userNotRegistered: 'user_not_registered',
  dependencyUnavailable: 'dependency_unavailable',
  idempotencyKeyReused: 'idempotency_key_reused',
  invalidCursor: 'invalid_cursor',
  invalidLimit: 'invalid_limit',
  conflict: 'conflict',
  payloadTooLarge: 'payload_too_large',
  notFound: 'not_found',
  internal: 'internal_error',
  rateLimited: 'rate_limited',
} as const

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {})

/** The one error body every route of both services answers with. */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    error: Type.String({ description: 'HTTP reason phrase' }),
    message: Type.String({ description: 'Human-readable explanation' }),
    errors: Type.Optional(Type.Array(Type.String(), { description: 'Machine-readable codes' })),
  },
  { $id: 'ErrorBody', additionalProperties: false },
)
export type ErrorBody = Static<typeof ErrorBody>

/** The maximum message length, in Unicode code points. */
export const MESSAGE_MAX_CHARS = 1024
