import t from 'tap'
import { errorWords, knownCodes } from '../../src/api/error-words.js'
import { ApiError } from '../../src/api/http.js'

// Every code the contract's error table names, and the ones the page makes itself.
const CONTRACT_CODES = [
  'unauthorized',
  'message_blank',
  'message_exceed_max_chars',
  'handle_blank',
  'cannot_message_self',
  'user_not_found',
  'message_group_not_found',
  'user_not_registered',
  'dependency_unavailable',
  'rate_limited',
  'invalid_cursor',
  'idempotency_key_reused',
]

t.test('every contract error code has a sentence of its own, never the code', async (t) => {
  const sentences = new Set<string>()
  for (const code of [...CONTRACT_CODES, 'network']) {
    t.ok(knownCodes.includes(code), `${code} is in the table`)
    const words = errorWords([code])
    t.notMatch(words, code, `${code}: the sentence does not show the code`)
    t.match(words, /^[A-Z].*[.!]$/, `${code}: a sentence`)
    sentences.add(words)
  }
  t.equal(sentences.size, CONTRACT_CODES.length + 1, 'no two codes share a sentence')
})

t.test('the first known code wins; unknown codes fall back on the status', async (t) => {
  t.equal(errorWords(['invalid_message_group_uuid', 'user_not_found'], 404), errorWords(['user_not_found']))
  t.match(errorWords(['invalid_message_group_uuid'], 400), /did not accept/)
  t.equal(errorWords([], 401), errorWords(['unauthorized']))
  t.equal(errorWords(['something_new'], 429), errorWords(['rate_limited']))
  t.equal(errorWords([], 502), errorWords(['dependency_unavailable']))
  t.equal(errorWords([], 404), errorWords(['not_found']))
  t.equal(errorWords([], 418), errorWords(['unexpected']))
  t.equal(errorWords(['toString']), errorWords(['unexpected']), 'object keys are not codes')
})

t.test('an ApiError carries its codes and says them in words', async (t) => {
  const e = new ApiError(422, ['message_blank'])
  t.ok(e.has('message_blank'))
  t.notOk(e.has('user_not_found'))
  t.equal(e.message, 'Write something before sending.')
})
