import type { ErrorCodes } from '@cruddur/types'

/** Every code the API answers with (the shared list), plus the ones this page makes itself. */
type ApiCode = (typeof ErrorCodes)[keyof typeof ErrorCodes]
type PageCode = 'network' | 'invalid_handle' | 'invalid_json' | 'unexpected'

/**
 * What each error code means to the person using the page. Keyed by the shared list of codes,
 * so a code added to the API without a sentence here fails the typecheck.
 */
const WORDS: Record<ApiCode | PageCode, string> = {
  unauthorized: 'Your session has ended. Please sign in again.',
  message_blank: 'Write something before sending.',
  message_exceed_max_chars: 'That message is too long: shorten it to 1,024 characters or fewer.',
  handle_blank: 'Say who the message is for.',
  cannot_message_self: 'You cannot send a message to yourself.',
  user_not_found: 'Nobody has that handle. Check the spelling.',
  message_group_not_found: 'This conversation does not exist, or you are not part of it.',
  message_not_found: 'That message is not in this conversation.',
  user_not_registered:
    'Your account is not in the directory yet. Wait a moment and try again, or sign in again.',
  dependency_unavailable: 'The service is having trouble right now. Try again in a moment.',
  idempotency_key_reused: 'That message changed while it was being sent. Send it again.',
  invalid_cursor: 'Older messages could not be loaded. Reload the page to try again.',
  invalid_limit: 'The page asked for an impossible number of items. Reload the page.',
  conflict: 'That clashed with another change. Try again.',
  payload_too_large: 'That is too much to send at once.',
  not_found: 'That is not available here (the server may be older than this page).',
  internal_error: 'Something went wrong on our side. Try again in a moment.',
  rate_limited: 'You are sending very fast. Wait a moment, then send again.',
  network: 'Could not reach the server. Check your connection, then try again.',
  invalid_handle: 'A handle is 1 to 32 letters, digits or underscores.',
  invalid_json: 'The page sent something the server could not read. Reload the page.',
  unexpected: 'Something unexpected happened. Try again.',
}

/** By status, for a code this page does not know (an `invalid_<field>` 400, or a newer server). */
function byStatus(status: number): string {
  if (status === 400) return 'The server did not accept that request. Reload the page and try again.'
  if (status === 401) return WORDS.unauthorized
  if (status === 404) return WORDS.not_found
  if (status === 429) return WORDS.rate_limited
  if (status >= 500) return WORDS.dependency_unavailable
  return WORDS.unexpected
}

/** One sentence for an error answer: its first known code, else what its status means. */
export function errorWords(codes: readonly string[], status = 0): string {
  for (const code of codes) {
    if (Object.hasOwn(WORDS, code)) return WORDS[code as keyof typeof WORDS]
  }
  return status ? byStatus(status) : WORDS.unexpected
}

/** Every code with a sentence (for the tests and for docs). */
export const knownCodes = Object.keys(WORDS)
