import t from 'tap'
import { MAX_TRUST_MS, VerifiedTokens } from '../src/auth/verified-tokens.js'

const SUB = '7d1f7b5c-2b5e-4b8e-9d3c-0a1b2c3d4e5f'

t.test('a remembered token is believed until its exp, then forgotten', async (t) => {
  let now = 1_000_000
  const tokens = new VerifiedTokens(10, () => now)
  tokens.remember('token-a', SUB, now / 1000 + 60)
  t.equal(tokens.get('token-a'), SUB)
  t.equal(tokens.get('token-b'), undefined, 'another token is a miss')
  now += 59_999
  t.equal(tokens.get('token-a'), SUB, 'just before exp')
  now += 1
  t.equal(tokens.get('token-a'), undefined, 'at exp')
  t.equal(tokens.size, 0, 'and dropped')
})

t.test('a long-lived token is believed for at most MAX_TRUST_MS without a new check', async (t) => {
  let now = 5_000_000
  const tokens = new VerifiedTokens(10, () => now)
  tokens.remember('day-token', SUB, now / 1000 + 86_400)
  now += MAX_TRUST_MS - 1
  t.equal(tokens.get('day-token'), SUB)
  now += 1
  t.equal(tokens.get('day-token'), undefined)
})

t.test('an already expired token is not remembered', async (t) => {
  const now = 9_000_000
  const tokens = new VerifiedTokens(10, () => now)
  tokens.remember('old', SUB, now / 1000 - 1)
  tokens.remember('now', SUB, now / 1000)
  t.equal(tokens.size, 0)
})

t.test('bounded: the least recently used token goes first', async (t) => {
  const now = 1_000
  const tokens = new VerifiedTokens(2, () => now)
  const exp = now / 1000 + 60
  tokens.remember('a', SUB, exp)
  tokens.remember('b', SUB, exp)
  t.equal(tokens.get('a'), SUB, 'a used: b is now the oldest')
  tokens.remember('c', SUB, exp)
  t.equal(tokens.size, 2)
  t.equal(tokens.get('b'), undefined, 'b went')
  t.equal(tokens.get('a'), SUB)
  t.equal(tokens.get('c'), SUB)
})
