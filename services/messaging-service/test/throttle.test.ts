import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { freePort } from '@cruddur/local-stack'
import { requireRedis } from '@cruddur/local-stack/testing'
import t from 'tap'
import { createLocalThrottle } from '../src/live/index.js'
import { closeConnection, createRedisThrottle, redisConnection } from '../src/live/redis.js'

const redisUrl = requireRedis().url
const quiet = { info() {}, warn() {} }

t.test('local throttle: one yes per key per window', async (t) => {
  let now = 1_000_000
  const throttle = createLocalThrottle(100, () => now)
  t.equal(await throttle.allow('a', 2_000), true, 'the first call')
  t.equal(await throttle.allow('a', 2_000), false, 'a second within the window')
  t.equal(await throttle.allow('b', 2_000), true, 'another key is its own')
  now += 1_999
  t.equal(await throttle.allow('a', 2_000), false, '1 ms before the window ends')
  now += 1
  t.equal(await throttle.allow('a', 2_000), true, 'once it has ended')
  t.equal(await throttle.allow('a', 2_000), false, 'and a new window is open')
})

t.test('local throttle: bounded, the oldest windows go first', async (t) => {
  const now = 5_000
  const throttle = createLocalThrottle(2, () => now)
  for (const key of ['a', 'b', 'c']) t.equal(await throttle.allow(key, 60_000), true, key)
  t.equal(await throttle.allow('c', 60_000), false, 'the newest window is kept')
  t.equal(await throttle.allow('b', 60_000), false, 'so is the one before it')
  t.equal(await throttle.allow('a', 60_000), true, 'the oldest was forgotten: the map holds 2 keys')
})

t.test('redis throttle: one yes per key per window, across instances', async (t) => {
  const [one, two] = [redisConnection(redisUrl, 'one', quiet), redisConnection(redisUrl, 'two', quiet)]
  t.teardown(() => Promise.all([closeConnection(one), closeConnection(two)]))
  // Commands fail at once before the connection is ready (no offline queue): wait for it.
  await Promise.all([one, two].map((r) => (r.status === 'ready' ? undefined : once(r, 'ready'))))
  const [a, b] = [createRedisThrottle(one), createRedisThrottle(two)]
  const key = `test:${randomUUID()}`
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).allow(key, 300)))
  t.equal(answers.filter(Boolean).length, 1, 'ten racing calls on two instances: one yes')
  t.equal(await a.allow(`${key}:other`, 300), true, 'another key is its own')
  await new Promise((r) => setTimeout(r, 350))
  t.equal(await b.allow(key, 300), true, 'after the window, yes again')
})

t.test('redis throttle: Redis not answering means no (typing notices are dropped)', async (t) => {
  const nowhere = redisConnection(`redis://127.0.0.1:${await freePort()}`, 'nowhere', quiet)
  t.teardown(() => closeConnection(nowhere))
  const started = Date.now()
  t.equal(await createRedisThrottle(nowhere).allow('k', 2_000), false)
  t.ok(Date.now() - started < 1_000, 'at once: nothing waits in an offline queue')
})
