import { randomUUID } from 'node:crypto'
import { createDocumentClient, createDynamoClient } from '@cruddur/dynamodb'
import t from 'tap'
import { getConversationItems } from '../src/conversations/index.js'
import { apiHarness, cognitoUser } from './helper.js'

t.test('read state: POST …/read moves forward only, and unread_count stays exact', async (t) => {
  const { app, facts, table, userService, as } = await apiHarness(t)
  const [alice, bob, carol] = await Promise.all(
    ['rdalice', 'rdbob', 'rdcarol'].map((prefix) =>
      cognitoUser(t, { prefix, userServiceUrl: userService.url }),
    ),
  )
  if (!alice?.user || !bob?.user || !carol) throw new Error('test users missing')
  const send = async (from: typeof alice, body: object) => {
    const res = await app.inject({ method: 'POST', url: '/api/messages', headers: as(from), payload: body })
    if (res.statusCode !== 200) throw new Error(`send: ${res.statusCode} ${res.body}`)
    return res.json() as { message_group_uuid: string; uuid: string }
  }
  const read = (who: typeof alice, conversation: string, body?: object) =>
    app.inject({
      method: 'POST',
      url: `/api/message_groups/${conversation}/read`,
      headers: as(who),
      ...(body ? { payload: body } : {}),
    })
  const unread = async (who: typeof alice) => {
    const res = await app.inject({ method: 'GET', url: '/api/message_groups', headers: as(who) })
    return (res.json() as { unread_count: number }[])[0]?.unread_count
  }

  const first = await send(alice, { message: 'hi', handle: bob.handle })
  const conversation = first.message_group_uuid
  const r1 = await send(bob, { message: 'one', message_group_uuid: conversation })
  const r2 = await send(bob, { message: 'two', message_group_uuid: conversation })
  t.equal(await unread(alice), 2, "Bob's two messages")
  t.equal(await unread(bob), 1, "Alice's one")

  await t.test('with no up_to: up to the newest', async (t) => {
    const res = await read(alice, conversation)
    t.equal(res.statusCode, 200)
    t.same(res.json(), { message_group_uuid: conversation, up_to: r2.uuid, unread_count: 0 })
    t.equal(await unread(alice), 0)
    t.equal(await unread(bob), 1, "Bob's own count did not move")
  })

  await t.test('up_to a message: the position moves there, never back', async (t) => {
    const later = []
    for (const text of ['three', 'four', 'five'])
      later.push(await send(bob, { message: text, message_group_uuid: conversation }))
    t.equal(await unread(alice), 3)
    const to4 = await read(alice, conversation, { up_to: later[1]?.uuid })
    t.same(to4.json(), { message_group_uuid: conversation, up_to: later[1]?.uuid, unread_count: 1 })
    const back = await read(alice, conversation, { up_to: r1.uuid })
    t.equal(back.statusCode, 200)
    t.same(back.json(), to4.json(), 'an older message leaves the position where it was')
    const unknown = await read(alice, conversation, { up_to: randomUUID() })
    t.same(unknown.json(), to4.json(), 'so does a uuid that is no message after it')
    t.equal(await unread(alice), 1)
  })

  await t.test('errors', async (t) => {
    const carols = await read(carol, conversation)
    t.equal(carols.statusCode, 404, 'a non-member')
    t.same(carols.json().errors, ['message_group_not_found'])
    const nowhere = await read(alice, randomUUID())
    t.equal(nowhere.statusCode, 404, 'an unknown conversation looks the same')
    t.same(nowhere.json().errors, ['message_group_not_found'])
    const noMessage = await read(bob, conversation, { up_to: randomUUID() })
    t.equal(noMessage.statusCode, 404, 'no position yet, and up_to is no message of it')
    t.same(noMessage.json().errors, ['message_not_found'])
    const badUuid = await read(alice, 'not-a-uuid')
    t.equal(badUuid.statusCode, 400)
    const badUpTo = await read(alice, conversation, { up_to: 'nope' })
    t.equal(badUpTo.statusCode, 400)
    const extra = await read(alice, conversation, { up_to: r1.uuid, everything: true })
    t.equal(extra.statusCode, 400, 'unknown fields are refused')
    const anonymous = await app.inject({ method: 'POST', url: `/api/message_groups/${conversation}/read` })
    t.equal(anonymous.statusCode, 401)
    t.same(anonymous.json().errors, ['unauthorized'])
  })

  await t.test('100 concurrent sends interleaved with reads: the count equals the table', async (t) => {
    const work: Promise<unknown>[] = []
    for (let i = 0; i < 100; i++) {
      const from = i % 4 === 0 ? alice : bob
      work.push(send(from, { message: `burst ${i}`, message_group_uuid: conversation }))
      if (i % 5 === 0) work.push(read(alice, conversation).then((r) => t.equal(r.statusCode, 200)))
      if (i % 7 === 0) work.push(read(bob, conversation).then((r) => t.equal(r.statusCode, 200)))
    }
    await Promise.all(work)
    const client = createDynamoClient({ region: facts.region, endpoint: facts.dynamodb.endpoint })
    t.teardown(() => client.destroy())
    const { items } = await getConversationItems(createDocumentClient(client), table, conversation)
    const messages = items.filter((i) => i.kind === 'message') as unknown as {
      sender_uuid: string
      seq: number
    }[]
    const entries = items.filter((i) => i.kind === 'member') as unknown as {
      user_uuid: string
      read_seq?: number
    }[]
    t.equal(messages.length, 106, 'every message stored')
    for (const [me, other] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const position = entries.find((e) => e.user_uuid === me.user?.uuid)?.read_seq ?? 0
      const expected = messages.filter((m) => m.sender_uuid === other.user?.uuid && m.seq > position).length
      t.equal(await unread(me), expected, `${me === alice ? 'Alice' : 'Bob'}: counted from the table`)
    }
    const caughtUp = await read(alice, conversation)
    t.equal(caughtUp.json().unread_count, 0)
    t.equal(await unread(alice), 0)
  })
})
