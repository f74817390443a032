import t from 'tap'
import { parseHandle } from '../../src/compose/handle.js'
import { attemptFor } from '../../src/compose/idempotency.js'
import { shouldSendTyping, TYPING_INTERVAL_MS } from '../../src/compose/typing-throttle.js'

t.test('a retry of the same text keeps its Idempotency-Key; new text gets a new one', async (t) => {
  let n = 0
  const key = () => `key-${++n}`
  const first = attemptFor(null, 'hello', key)
  t.same(first, { text: 'hello', key: 'key-1' })
  t.equal(attemptFor(first, 'hello', key), first, 'retry: same key')
  t.same(attemptFor(first, 'hello!', key), { text: 'hello!', key: 'key-2' }, 'edited: new key')
  t.equal(typeof attemptFor(null, 'x').key, 'string', 'a random UUID by default')
  t.not(attemptFor(null, 'x').key, attemptFor(null, 'x').key, 'two messages never share a key')
})

t.test('typing is sent at most once per interval', async (t) => {
  t.ok(shouldSendTyping(undefined, 1000), 'the first keystroke')
  t.notOk(shouldSendTyping(1000, 1000 + TYPING_INTERVAL_MS - 1))
  t.ok(shouldSendTyping(1000, 1000 + TYPING_INTERVAL_MS))
})

t.test('a typed handle is read as the directory accepts handles', async (t) => {
  t.equal(parseHandle(' @Bayko_1 '), 'Bayko_1', 'an @ and spaces around are dropped')
  t.equal(parseHandle('bayko'), 'bayko')
  t.equal(parseHandle(''), null)
  t.equal(parseHandle('@'), null)
  t.equal(parseHandle('bad-handle'), null, 'no hyphen')
  t.equal(parseHandle('bаyko'), null, 'no look-alike Cyrillic letter')
  t.equal(parseHandle('a'.repeat(33)), null, 'at most 32')
  t.equal(parseHandle('a'.repeat(32)), 'a'.repeat(32))
})
