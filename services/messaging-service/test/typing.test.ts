import { randomUUID } from 'node:crypto'
import { requireRedis } from '@cruddur/local-stack/testing'
import t from 'tap'
import type { ConversationEvent } from '../src/conversations/index.js'
import type { EventBus } from '../src/live/index.js'
import { createRedisBus } from '../src/live/redis.js'
import { apiHarness, build, cognitoUser, type TestUser } from './helper.js'

type App = Awaited<ReturnType<typeof build>>

const redisUrl = requireRedis().url
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Another instance's bus on the same Redis, where the test listens as a stream would: the app's
 * own bus is inside it (its plugins are encapsulated), and what matters is what reaches the
 * other members' streams wherever they are open.
 */
async function observer(t: Parameters<typeof apiHarness>[0]): Promise<EventBus> {
  const bus = createRedisBus({ url: redisUrl, log: { info() {}, warn() {} } })
  t.teardown(() => bus.close())
  const deadline = Date.now() + 5_000
  while (!bus.health().ok) {
    if (Date.now() > deadline) throw new Error('the observer bus did not connect')
    await sleep(10)
  }
  return bus
}

async function people(t: Parameters<typeof apiHarness>[0], userServiceUrl: string) {
  const [alice, bob, carol] = await Promise.all(
    ['tyalice', 'tybob', 'tycarol'].map((prefix) => cognitoUser(t, { prefix, userServiceUrl })),
  )
  if (!alice?.user || !bob?.user || !carol?.user) throw new Error('test users missing')
  return { alice, bob, carol, aliceUuid: alice.user.uuid, bobUuid: bob.user.uuid }
}

/** Alice's first message to Bob: the conversation the tests type in. */
async function conversationOf(app: App, from: TestUser, to: TestUser): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/messages',
    headers: { authorization: `Bearer ${from.accessToken}` },
    payload: { message: 'hi', handle: to.handle },
  })
  if (res.statusCode !== 200) throw new Error(`send: ${res.statusCode} ${res.body}`)
  return res.json().message_group_uuid as string
}

t.test('POST …/typing: one notice per caller and conversation per 2 s, to the other member', async (t) => {
  const { app, userService, as } = await apiHarness(t, { REDIS_URL: redisUrl })
  const { alice, bob, carol, aliceUuid, bobUuid } = await people(t, userService.url)
  const streams = await observer(t)
  const conversation = await conversationOf(app, alice, bob)
  const heard: Record<string, ConversationEvent[]> = { alice: [], bob: [] }
  const stopBob = await streams.subscribe(bobUuid, (e) => heard.bob?.push(e))
  const stopAlice = await streams.subscribe(aliceUuid, (e) => heard.alice?.push(e))
  t.teardown(() => {
    stopBob()
    stopAlice()
  })
  const typing = (who: typeof alice, uuid = conversation) =>
    app.inject({ method: 'POST', url: `/api/message_groups/${uuid}/typing`, headers: as(who) })

  await t.test('three calls within 2 s: three 204s, one event', async (t) => {
    const first = Date.now()
    for (let i = 0; i < 3; i++) {
      const res = await typing(alice)
      t.equal(res.statusCode, 204)
      t.equal(res.body, '', 'empty')
    }
    t.ok(Date.now() - first < 2_000, 'all three within the window')
    await sleep(50)
    t.same(heard.bob, [
      {
        type: 'typing',
        to: [bobUuid],
        conversationUuid: conversation,
        data: { message_group_uuid: conversation, handle: alice.handle },
      },
    ])
    t.same(heard.alice, [], 'the typist does not hear their own notice')
  })

  await t.test('the other member typing is their own window', async (t) => {
    t.equal((await typing(bob)).statusCode, 204)
    await sleep(50)
    t.same(
      heard.alice?.map((e) => e.data),
      [{ message_group_uuid: conversation, handle: bob.handle }],
    )
  })

  await t.test('a call after 2 s publishes again', async (t) => {
    await sleep(2_050)
    t.equal((await typing(alice, conversation.toUpperCase())).statusCode, 204, 'an upper-case uuid too')
    await sleep(50)
    t.equal(heard.bob?.length, 2)
  })

  await t.test('errors', async (t) => {
    const before = heard.bob?.length
    const outsider = await typing(carol)
    t.equal(outsider.statusCode, 404, 'a non-member')
    t.same(outsider.json().errors, ['message_group_not_found'])
    const unknown = await typing(alice, randomUUID())
    t.equal(unknown.statusCode, 404, 'an unknown conversation, the same answer')
    t.same(unknown.json().errors, ['message_group_not_found'])
    const bad = await typing(alice, 'not-a-uuid')
    t.equal(bad.statusCode, 400)
    t.same(bad.json().errors, ['invalid_message_group_uuid'])
    const anonymous = await app.inject({ method: 'POST', url: `/api/message_groups/${conversation}/typing` })
    t.equal(anonymous.statusCode, 401)
    await sleep(50)
    t.equal(heard.bob?.length, before, 'none of them published anything')
  })
})

t.test('POST …/typing with Redis: the window and the notice are shared by the instances', async (t) => {
  const { app: a, userService, table, as } = await apiHarness(t, { REDIS_URL: redisUrl })
  const b = await build(t, {
    USER_SERVICE_URL: userService.url,
    DDB_MESSAGE_TABLE: table,
    REDIS_URL: redisUrl,
  })
  const { alice, bob, bobUuid } = await people(t, userService.url)
  const conversation = await conversationOf(a, alice, bob)
  const heard: ConversationEvent[] = []
  // Alice types through instance A, then through B, within 2 s.
  const stop = await (await observer(t)).subscribe(bobUuid, (e) => heard.push(e))
  t.teardown(stop)
  const url = `/api/message_groups/${conversation}/typing`
  t.equal((await a.inject({ method: 'POST', url, headers: as(alice) })).statusCode, 204)
  t.equal((await b.inject({ method: 'POST', url, headers: as(alice) })).statusCode, 204)
  const deadline = Date.now() + 2_000
  while (heard.length === 0 && Date.now() < deadline) await sleep(10)
  await sleep(100)
  t.equal(heard.length, 1, 'one notice: the second instance saw the first one’s window')
  t.same(heard[0]?.data, { message_group_uuid: conversation, handle: alice.handle })
})

t.test('POST …/typing without Redis (one instance, in-process bus): 204, and the same errors', async (t) => {
  const { app, userService, as } = await apiHarness(t)
  const { alice, bob, carol } = await people(t, userService.url)
  const url = `/api/message_groups/${await conversationOf(app, alice, bob)}/typing`
  for (const who of [alice, alice, bob]) {
    const res = await app.inject({ method: 'POST', url, headers: as(who) })
    t.equal(res.statusCode, 204)
  }
  const outsider = await app.inject({ method: 'POST', url, headers: as(carol) })
  t.equal(outsider.statusCode, 404)
  t.same(outsider.json().errors, ['message_group_not_found'])
  const stranger = await cognitoUser(t, { prefix: 'tynew', userServiceUrl: userService.url, register: false })
  const unregistered = await app.inject({ method: 'POST', url, headers: as(stranger) })
  t.equal(unregistered.statusCode, 403, 'a caller not in the directory yet')
  t.same(unregistered.json().errors, ['user_not_registered'])
})
