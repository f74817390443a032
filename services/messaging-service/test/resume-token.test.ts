import { randomUUID } from 'node:crypto'
import t from 'tap'
import {
  CLOCK_TOLERANCE_MS,
  decodeToken,
  encodeToken,
  expired,
  RESUME_WINDOW_MS,
  type ResumeToken,
  readKey,
  tokenAt,
} from '../src/live/resume-token.js'

const conv = randomUUID()
const reader = randomUUID()
const now = Date.parse('2026-12-03T12:00:00.000Z')
const token: ResumeToken = {
  b: now,
  v: { [conv]: [7, now - 1000] },
  r: { [readKey(conv, reader)]: [5, now - 500] },
}

t.test('a token survives the round trip through an event id, and is URL- and header-safe', async (t) => {
  const id = encodeToken(token)
  t.match(id, /^[A-Za-z0-9_-]+$/)
  t.same(decodeToken(id), token)
})

t.test('anything that is not a token of ours is no token (the stream answers with reset)', async (t) => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const cases: [string, string][] = [
    ['empty', ''],
    ['not base64url', 'a b c'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['JSON null', encode(null)],
    ['no baseline', encode({ v: {}, r: {} })],
    ['negative baseline', encode({ b: -1, v: {}, r: {} })],
    ['fractional baseline', encode({ b: 1.5, v: {}, r: {} })],
    ['v not an object', encode({ b: now, v: [], r: {} })],
    ['v key not a uuid', encode({ b: now, v: { nope: [1, now] }, r: {} })],
    ['v position not a pair', encode({ b: now, v: { [conv]: [1] }, r: {} })],
    ['v seq not a number', encode({ b: now, v: { [conv]: ['1', now] }, r: {} })],
    ['r key not conversation:reader', encode({ b: now, v: {}, r: { [conv]: [1, now] } })],
    ['too long', 'a'.repeat(20_000)],
  ]
  for (const [what, id] of cases) t.equal(decodeToken(id), undefined, what)
})

t.test('a token keeps only what the clock tolerance still needs, and expires after a day', async (t) => {
  const later = tokenAt(token, now + CLOCK_TOLERANCE_MS - 600)
  t.same(Object.keys(later.v), [], 'the message (1 s before b) fell out of the window')
  t.same(Object.keys(later.r), [readKey(conv, reader)], 'the read (0.5 s before b) is still in it')
  t.equal(later.b, now + CLOCK_TOLERANCE_MS - 600, 'the baseline moves to the time the token is made')
  t.notOk(expired(token, now + RESUME_WINDOW_MS + CLOCK_TOLERANCE_MS), 'good for 24 hours plus the tolerance')
  t.ok(expired(token, now + RESUME_WINDOW_MS + CLOCK_TOLERANCE_MS + 1), 'then it is too old')
})
