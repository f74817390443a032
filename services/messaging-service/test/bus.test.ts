import { randomUUID } from 'node:crypto'
import { freePort } from '@cruddur/local-stack'
import { requireRedis } from '@cruddur/local-stack/testing'
import t, { type Test } from 'tap'
import type { ConversationEvent } from '../src/conversations/index.js'
import { BusUnavailableError, createLocalBus, type EventBus } from '../src/live/index.js'
import {
  closeConnection,
  createRedisBus,
  MAX_RECONNECT_DELAY_MS,
  redisConnection,
  userChannel,
} from '../src/live/redis.js'
import { ownRedis } from './helper.js'

const redisUrl = requireRedis().url

/** What the bus logged, to check that a failure is reported (and not thrown). */
function recordingLog() {
  const lines: { level: string; msg: string }[] = []
  return {
    lines,
    info: (_obj: unknown, msg: string) => lines.push({ level: 'info', msg }),
    warn: (_obj: unknown, msg: string) => lines.push({ level: 'warn', msg }),
  }
}

const typing = (to: string[], n: number): ConversationEvent => ({
  type: 'typing',
  to,
  conversationUuid: 'c0ffee00-0000-4000-8000-000000000000',
  data: { message_group_uuid: 'c0ffee00-0000-4000-8000-000000000000', handle: `n${n}` },
})
const numberOf = (e: ConversationEvent) => Number(String((e.data as { handle: string }).handle).slice(1))

async function until(what: string, check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A listener of one user that keeps what it heard. */
async function listen(bus: EventBus, user: string) {
  const heard: ConversationEvent[] = []
  const stop = await bus.subscribe(user, (e) => heard.push(e))
  return { heard, stop, numbers: () => heard.map(numberOf) }
}

/**
 * Every event published before it has been delivered once `sentinel` hears its own: both buses
 * deliver in publish order (microtasks; one Redis connection each way), so "nothing arrived" is
 * checked after something later did.
 */
async function settle(bus: EventBus) {
  const sentinel = randomUUID()
  const probe = await listen(bus, sentinel)
  bus.publish(typing([sentinel], -1))
  await until('the sentinel event', () => probe.heard.length === 1)
  probe.stop()
}

async function healthy(bus: EventBus) {
  await until('the bus to be healthy', () => bus.health().ok)
}

const kinds: [string, (t: Test) => Promise<EventBus>][] = [
  ['local', async () => createLocalBus()],
  [
    'redis',
    async (t) => {
      const bus = createRedisBus({ url: redisUrl, log: recordingLog() })
      t.teardown(() => bus.close())
      await healthy(bus)
      return bus
    },
  ],
]

for (const [kind, make] of kinds) {
  t.test(`${kind} bus`, async (t) => {
    const bus = await make(t)
    t.ok(bus.health().ok, 'healthy')

    await t.test('delivers to each recipient, and to nobody else', async (t) => {
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()]
      const [la, lb, lc] = await Promise.all([listen(bus, a), listen(bus, b), listen(bus, c)])
      bus.publish(typing([a, b], 1))
      await until('both recipients', () => la.heard.length === 1 && lb.heard.length === 1)
      await settle(bus)
      t.same(la.heard, [typing([a, b], 1)], 'the first recipient gets the event as published')
      t.same(lb.heard, [typing([a, b], 1)], 'so does the second')
      t.same(lc.heard, [], 'a non-recipient gets nothing')
      for (const l of [la, lb, lc]) l.stop()
    })

    await t.test('unsubscribe stops delivery; the last one out does not stop the others', async (t) => {
      const user = randomUUID()
      const first = await listen(bus, user)
      const second = await listen(bus, user)
      bus.publish(typing([user], 1))
      await until('both listeners', () => first.heard.length === 1 && second.heard.length === 1)
      first.stop()
      first.stop() // twice is harmless and does not take the other listener's subscription down
      bus.publish(typing([user], 2))
      await until('the remaining listener', () => second.heard.length === 2)
      await settle(bus)
      t.same(first.numbers(), [1], 'the one that left hears nothing more')
      t.same(second.numbers(), [1, 2], 'the other still hears')
      second.stop()
      bus.publish(typing([user], 3))
      await settle(bus)
      t.same(second.numbers(), [1, 2], 'after the last one left, nothing')
      const again = await listen(bus, user)
      bus.publish(typing([user], 4))
      await until('a new listener after all had left', () => again.heard.length === 1)
      t.same(again.numbers(), [4], 'subscribing again works (and hears nothing from before)')
      again.stop()
    })

    await t.test('subscribe then publish: 100 events, all of them, in order', async (t) => {
      const [a, b] = [randomUUID(), randomUUID()]
      const [la, lb] = await Promise.all([listen(bus, a), listen(bus, b)])
      const numbers = Array.from({ length: 100 }, (_, i) => i + 1)
      for (const n of numbers) bus.publish(typing(n % 2 ? [a, b] : [a], n))
      await until('all 100', () => la.heard.length === 100)
      await settle(bus)
      t.same(la.numbers(), numbers, 'each user gets events in publish order')
      t.same(
        lb.numbers(),
        numbers.filter((n) => n % 2),
        'and only those addressed to them',
      )
      la.stop()
      lb.stop()
    })

    await t.test('a listener that throws does not stop the others', async (t) => {
      const user = randomUUID()
      const stopBad = await bus.subscribe(user, () => {
        throw new Error('a broken stream')
      })
      const good = await listen(bus, user)
      bus.publish(typing([user], 1))
      await until('the good listener', () => good.heard.length === 1)
      t.same(good.numbers(), [1])
      stopBad()
      good.stop()
    })
  })
}

t.test('the local bus never goes down', async (t) => {
  const bus = createLocalBus()
  let downs = 0
  const off = bus.onDown(() => downs++)
  t.same(bus.health(), { ok: true, detail: 'in-process' })
  off()
  await bus.close()
  t.equal(downs, 0)
})

t.test('redis: two instances on one Redis deliver across', async (t) => {
  const a = createRedisBus({ url: redisUrl, log: recordingLog() })
  const b = createRedisBus({ url: redisUrl, log: recordingLog() })
  t.teardown(() => Promise.all([a.close(), b.close()]))
  await Promise.all([healthy(a), healthy(b)])
  const user = randomUUID()
  // Published at once after subscribe resolved: it resolves only once Redis acknowledged it.
  const onB = await listen(b, user)
  const onA = await listen(a, user)
  for (let n = 1; n <= 20; n++) a.publish(typing([user], n))
  await until('B hears A', () => onB.heard.length === 20)
  await until('A hears itself', () => onA.heard.length === 20)
  t.same(
    onB.numbers(),
    Array.from({ length: 20 }, (_, i) => i + 1),
    'in publish order on the other instance',
  )
  t.same(onA.numbers(), onB.numbers(), 'and on its own')
  b.publish(typing([user], 21))
  await until('A hears B', () => onA.heard.length === 21)
  onA.stop()
  onB.stop()
})

t.test('redis: something on a user channel that is not an event is dropped and logged', async (t) => {
  const log = recordingLog()
  const bus = createRedisBus({ url: redisUrl, log })
  const raw = redisConnection(redisUrl, 'raw', recordingLog())
  t.teardown(() => Promise.all([bus.close(), closeConnection(raw)]))
  await healthy(bus)
  const user = randomUUID()
  const heard = await listen(bus, user)
  await until('the raw connection', () => raw.status === 'ready')
  await raw.publish(userChannel(user), 'not json {')
  bus.publish(typing([user], 1))
  await until('the event after it', () => heard.heard.length === 1)
  t.same(heard.numbers(), [1], 'the listener only hears events')
  t.ok(
    log.lines.some((l) => /unreadable/.test(l.msg)),
    'the rest is logged',
  )
  heard.stop()
})

t.test('redis: a Redis that is not there', async (t) => {
  const log = recordingLog()
  const bus = createRedisBus({ url: `redis://127.0.0.1:${await freePort()}`, log })
  t.teardown(() => bus.close())
  t.notOk(bus.health().ok, 'not healthy')
  t.match(bus.health().detail, /subscriber/)
  await t.rejects(
    bus.subscribe(randomUUID(), () => {}),
    BusUnavailableError,
    'subscribe refuses',
  )
  t.doesNotThrow(() => bus.publish(typing([randomUUID()], 1)), 'publish does not throw')
  await until('the failed publish to be logged', () =>
    log.lines.some((l) => l.level === 'warn' && /not published/.test(l.msg)),
  )
  t.pass('a failed publish is logged')
  await until('the outage to be logged', () => log.lines.some((l) => /redis unavailable/.test(l.msg)))
  await new Promise((r) => setTimeout(r, 2 * MAX_RECONNECT_DELAY_MS)) // a few reconnection attempts
  const attempts = log.lines.filter((l) => /redis unavailable/.test(l.msg)).length
  t.equal(
    attempts,
    2,
    `once per connection (publisher, subscriber), not per reconnection attempt (${attempts})`,
  )
})

t.test('redis: down, then back on the same port', async (t) => {
  const redis = await ownRedis(t)
  const log = recordingLog()
  const bus = createRedisBus({ url: redis.url, log })
  t.teardown(() => bus.close())
  await healthy(bus)
  bus.onDown(() => {
    throw new Error('a broken stream')
  })
  const reasons: string[] = []
  bus.onDown((reason) => reasons.push(reason))
  let removed = 0
  const off = bus.onDown(() => removed++)
  off()
  const user = randomUUID()
  const before = await listen(bus, user)
  bus.publish(typing([user], 1))
  await until('delivery while up', () => before.heard.length === 1)

  await redis.stop()
  await until('onDown', () => reasons.length > 0)
  t.equal(reasons.length, 1, 'onDown listeners are called once, one that throws does not stop the rest')
  t.equal(removed, 0, 'a removed onDown listener is not')
  t.match(reasons[0], /lost/)
  t.notOk(bus.health().ok, 'health says not ok')
  await t.rejects(
    bus.subscribe(user, () => {}),
    BusUnavailableError,
    'subscribe throws BusUnavailableError',
  )
  const started = Date.now()
  t.doesNotThrow(() => bus.publish(typing([user], 2)), 'publish does not throw')
  await until(
    'the failed publish to be logged',
    () => log.lines.some((l) => /not published/.test(l.msg)),
    1_000,
  )
  t.ok(Date.now() - started < 1_000, 'and fails fast (no offline queue)')
  // Reconnection attempts go on meanwhile; none of them calls onDown again.
  await new Promise((r) => setTimeout(r, 2 * MAX_RECONNECT_DELAY_MS))
  t.equal(reasons.length, 1, 'still once while Redis stays down')

  const back = Date.now()
  await redis.restart()
  await healthy(bus)
  t.ok(Date.now() - back < 3 * MAX_RECONNECT_DELAY_MS + 1_000, `healthy again within ${Date.now() - back} ms`)
  const after = await listen(bus, user)
  bus.publish(typing([user], 3))
  await until('delivery after the restart', () => after.heard.length === 1)
  await settle(bus)
  t.same(after.numbers(), [3], 'a new subscription hears new events')
  t.same(before.numbers(), [1], 'the listener dropped at the outage hears nothing more')
  before.stop() // its unsubscribe after the drop is harmless
  t.equal(reasons.length, 1, 'onDown was not called by the reconnection')
  after.stop()
})
