import t from 'tap'
import { REFRESH_LEAD_MAX_MS, refreshDelayMs } from '../../src/auth/refresh-timing.js'
import { BACKOFF_MAX_MS, backoffDelay } from '../../src/live/backoff.js'

t.test('tokens refresh before they expire', async (t) => {
  const iat = 1_800_000_000
  const hour = { iat, exp: iat + 3600 }
  t.equal(refreshDelayMs(hour, iat * 1000), 3600_000 - REFRESH_LEAD_MAX_MS, 'an hour: 5 min before')
  t.equal(refreshDelayMs(hour, iat * 1000 + 1000_000), 2600_000 - REFRESH_LEAD_MAX_MS, 'counted from now')
  const minute = { iat, exp: iat + 60 }
  t.equal(refreshDelayMs(minute, iat * 1000), 48_000, 'a short token: a fifth of its life before')
  t.equal(refreshDelayMs(hour, (iat + 3590) * 1000), 0, 'already due: now')
  t.equal(refreshDelayMs({ iat, exp: iat - 10 }, iat * 1000), 0, 'expired: now')
})

t.test('reconnect backoff grows, is capped, and is jittered in its upper half', async (t) => {
  t.equal(
    backoffDelay(0, () => 0),
    250,
  )
  t.equal(
    backoffDelay(0, () => 1),
    500,
  )
  t.equal(
    backoffDelay(3, () => 1),
    4000,
  )
  t.equal(
    backoffDelay(30, () => 1),
    BACKOFF_MAX_MS,
    'capped',
  )
  t.equal(
    backoffDelay(30, () => 0),
    BACKOFF_MAX_MS / 2,
    'never below half the cap once there',
  )
  t.equal(
    backoffDelay(-1, () => 1),
    500,
    'a negative attempt is the first',
  )
  const delays = Array.from({ length: 8 }, (_, i) => backoffDelay(i, () => 0.5))
  t.same(
    delays,
    [...delays].sort((a, b) => a - b),
    'non-decreasing',
  )
  for (let i = 0; i < 50; i++) {
    const d = backoffDelay(4)
    t.ok(d >= 4000 && d <= 8000, `random jitter within bounds (${d})`)
  }
})
