/**
 * The stream against the real engines (one instance, in-process bus): tickets, authentication,
 * live events to members only, resume from Last-Event-ID (missed messages and reads, in order,
 * once), reset, pings, and shutdown with a retry hint.
 */
import { randomUUID } from 'node:crypto'
import { openSse, type SseBlock, type SseStream } from '@cruddur/local-stack/testing'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { apiHarness, build, cognitoUser, type TestUser } from './helper.js'

const PING_MS = '150'

async function listening(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('not listening')
  return `http://127.0.0.1:${address.port}`
}

const messages = (s: SseStream) =>
  s.blocks
    .filter((b) => b.event === 'message')
    .map((b) => JSON.parse(b.data ?? '{}') as { uuid: string; message: string })
const isEvent = (name: string) => (b: SseBlock) => b.event === name
/** The connect block: a resume point without an event. */
const isCheckpoint = (b: SseBlock) => b.id !== undefined && b.event === undefined && b.comments.length === 0

t.test('the stream', async (t) => {
  const { app, table, userService, as } = await apiHarness(t, {
    STREAM_PING_MS: PING_MS,
    STREAM_RETRY_MS: '1500',
  })
  const url = await listening(app)
  const [ana, ben, cleo] = await Promise.all(
    ['stana', 'stben', 'stcleo'].map((prefix) => cognitoUser(t, { prefix, userServiceUrl: userService.url })),
  )
  if (!ana?.user || !ben?.user || !cleo?.user) throw new Error('test users missing')
  const open = async (t: Test, who: TestUser, lastEventId?: string) => {
    const s = await openSse(`${url}/api/stream`, {
      ...as(who),
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    })
    t.teardown(() => s.close())
    t.equal(s.status, 200, `${who.handle}'s stream opens`)
    await s.next(isCheckpoint)
    return s
  }
  const send = async (from: TestUser, body: object) => {
    const res = await app.inject({ method: 'POST', url: '/api/messages', headers: as(from), payload: body })
    if (res.statusCode !== 200) throw new Error(`send: ${res.statusCode} ${res.body}`)
    return res.json() as { message_group_uuid: string; uuid: string; message: string }
  }
  const first = await send(ana, { handle: ben.handle, message: 'first' })
  const conversation = first.message_group_uuid

  await t.test('tickets: single use, bound to the caller, never a token in the URL', async (t) => {
    const issued = await app.inject({ method: 'POST', url: '/api/stream/ticket', headers: as(ana) })
    t.equal(issued.statusCode, 200)
    const { ticket, expires_at } = issued.json() as { ticket: string; expires_at: string }
    const lifetime = Date.parse(expires_at) - Date.now()
    t.ok(lifetime > 0 && lifetime <= 60_000, `valid at most 60 s (${lifetime} ms)`)
    const s = await openSse(`${url}/api/stream?ticket=${ticket}`)
    t.teardown(() => s.close())
    t.equal(s.status, 200, 'the ticket opens the stream')
    t.match(s.contentType, /^text\/event-stream/)
    await s.next(isCheckpoint)
    const sent = await send(ben, { message_group_uuid: conversation, message: 'to the ticket holder' })
    const got = await s.next(isEvent('message'))
    t.equal(JSON.parse(got.data ?? '{}').uuid, sent.uuid, "it is Ana's stream")
    const again = await openSse(`${url}/api/stream?ticket=${ticket}`)
    t.equal(again.status, 401, 'a second use is refused')
    t.same(JSON.parse(again.body ?? '{}').errors, ['unauthorized'])
    for (const [what, query] of [
      ['an unknown ticket', `ticket=${'A'.repeat(43)}`],
      ['a malformed ticket', 'ticket=nope'],
      ['an access token in the URL', `access_token=${ana.accessToken}`],
      ['a token in the URL, even beside a ticket', `ticket=${ticket}&token=${ana.accessToken}`],
    ] as const) {
      const res = await openSse(`${url}/api/stream?${query}`)
      t.equal(res.status, 401, what)
    }
    const valid = (await app.inject({ method: 'POST', url: '/api/stream/ticket', headers: as(ana) })).json()
    const urlToken = await openSse(
      `${url}/api/stream?ticket=${valid.ticket}&access_token=${ana.accessToken}`,
      as(ana),
    )
    t.equal(urlToken.status, 401, 'a token in the URL is refused even with a valid header')
    // An instance whose clock is 31 s ahead sees a ticket as an expired one (its lifetime is 30 s).
    const later = await build(t, {
      USER_SERVICE_URL: userService.url,
      DDB_MESSAGE_TABLE: table,
      TEST_CLOCK_OFFSET_MS: '31000',
    })
    const laterUrl = await listening(later)
    const stale = (await app.inject({ method: 'POST', url: '/api/stream/ticket', headers: as(ana) })).json()
    const expired = await openSse(`${laterUrl}/api/stream?ticket=${stale.ticket}`)
    t.equal(expired.status, 401, 'an expired ticket is refused')
    t.same(JSON.parse(expired.body ?? '{}').errors, ['unauthorized'])
    const none = await openSse(`${url}/api/stream`)
    t.equal(none.status, 401, 'no ticket and no header')
    const anonymousTicket = await app.inject({ method: 'POST', url: '/api/stream/ticket' })
    t.equal(anonymousTicket.statusCode, 401, 'a ticket needs a signed-in caller')
  })

  await t.test(
    'live: both members hear of a message (the sender for their other devices), nobody else',
    async (t) => {
      const [anaStream, benStream, cleoStream] = await Promise.all([
        open(t, ana),
        open(t, ben),
        open(t, cleo),
      ])
      const sent = await send(ana, { message_group_uuid: conversation, message: 'live one' })
      for (const s of [anaStream, benStream]) {
        const block = await s.next(isEvent('message'))
        t.ok(block.id, 'a message event carries an id')
        t.same(JSON.parse(block.data ?? '{}'), sent, 'the event is the message as the send answered it')
      }
      const cleoSends = await send(cleo, { handle: ben.handle, message: 'cleo to ben' })
      await benStream.next((b) => b.event === 'message' && JSON.parse(b.data ?? '{}').uuid === cleoSends.uuid)
      await cleoStream.next(
        (b) => b.event === 'message' && JSON.parse(b.data ?? '{}').uuid === cleoSends.uuid,
      )
      await anaStream.next((b) => b.comments.includes('ping'), 2_000)
      t.same(
        messages(cleoStream).map((m) => m.uuid),
        [cleoSends.uuid],
        'Cleo got only the message of her own conversation',
      )
      t.notOk(
        messages(anaStream).some((m) => m.uuid === cleoSends.uuid),
        "Ana never saw Cleo's conversation",
      )
    },
  )

  await t.test('resume: what was missed arrives first, in order, once; then live', async (t) => {
    const s1 = await open(t, ana)
    const before = await send(ben, { message_group_uuid: conversation, message: 'seen live' })
    await s1.next((b) => b.event === 'message' && JSON.parse(b.data ?? '{}').uuid === before.uuid)
    const resumeFrom = s1.lastEventId
    s1.close()
    const missed = []
    for (const text of ['missed 1', 'missed 2', 'missed 3'])
      missed.push(await send(ben, { message_group_uuid: conversation, message: text }))
    const read = await app.inject({
      method: 'POST',
      url: `/api/message_groups/${conversation}/read`,
      headers: as(ben),
    })
    t.equal(read.statusCode, 200)
    const s2 = await open(t, ana, resumeFrom)
    const after = await send(ben, { message_group_uuid: conversation, message: 'live again' })
    await s2.next((b) => b.event === 'message' && JSON.parse(b.data ?? '{}').uuid === after.uuid)
    t.same(
      messages(s2).map((m) => m.message),
      ['missed 1', 'missed 2', 'missed 3', 'live again'],
      'the missed ones in stored order, each once, then the live one',
    )
    const reads = s2.blocks.filter(isEvent('read')).map((b) => JSON.parse(b.data ?? '{}'))
    t.equal(reads.length, 1, "Ben's read arrives once")
    t.match(reads[0], { message_group_uuid: conversation, handle: ben.handle, up_to: missed[2]?.uuid })
    const s3 = await open(t, ana, s2.lastEventId)
    await s3.next((b) => b.comments.includes('ping'), 2_000)
    t.same(messages(s3), [], 'resuming from the newest id repeats nothing')
    t.equal(s3.blocks.filter(isEvent('read')).length, 0, 'not even the read')
  })

  await t.test('an id that is not ours, or one too old, is a reset', async (t) => {
    for (const id of ['garbage', Buffer.from(JSON.stringify({ b: 1, v: {}, r: {} })).toString('base64url')]) {
      const s = await openSse(`${url}/api/stream?last_event_id=${id}`, as(ana))
      t.teardown(() => s.close())
      const reset = await s.next(isEvent('reset'))
      t.same(JSON.parse(reset.data ?? 'null'), {}, 'reset {}')
      await s.next(isCheckpoint)
      const sent = await send(ben, {
        message_group_uuid: conversation,
        message: `after reset ${randomUUID()}`,
      })
      await s.next((b) => b.event === 'message' && JSON.parse(b.data ?? '{}').uuid === sent.uuid)
      t.pass('then live')
    }
  })

  await t.test('typing is delivered to the other member only, and never replayed', async (t) => {
    const [anaStream, benStream] = await Promise.all([open(t, ana), open(t, ben)])
    const res = await app.inject({
      method: 'POST',
      url: `/api/message_groups/${conversation}/typing`,
      headers: as(ana),
    })
    t.equal(res.statusCode, 204)
    const typing = await benStream.next(isEvent('typing'))
    t.same(JSON.parse(typing.data ?? '{}'), { message_group_uuid: conversation, handle: ana.handle })
    t.equal(typing.id, undefined, 'no id: typing is not resumable')
    await anaStream.next((b) => b.comments.includes('ping'), 2_000)
    t.equal(anaStream.blocks.filter(isEvent('typing')).length, 0, 'not to the typist')
  })

  await t.test('an unregistered caller, and a bad token', async (t) => {
    const stranger = await cognitoUser(t, { prefix: 'ststranger', register: false })
    const s = await openSse(`${url}/api/stream`, as(stranger))
    t.equal(s.status, 403)
    t.same(JSON.parse(s.body ?? '{}').errors, ['user_not_registered'])
    const bad = await openSse(`${url}/api/stream`, { authorization: 'Bearer nope' })
    t.equal(bad.status, 401)
  })
})

t.test('shutdown ends every stream with a retry hint', async (t) => {
  const { app, userService, as } = await apiHarness(t, { STREAM_RETRY_MS: '1500' })
  const url = await listening(app)
  const dana = await cognitoUser(t, { prefix: 'stdana', userServiceUrl: userService.url })
  const s = await openSse(`${url}/api/stream`, as(dana))
  await s.next(isCheckpoint)
  t.equal(s.blocks.find(isCheckpoint)?.retry, 1500, 'the connect block says how soon to come back')
  const closing = app.close()
  await s.ended
  await closing
  const last = s.blocks.at(-1)
  t.equal(last?.retry, 1000, 'the last block is a retry hint')
  t.equal(last?.event, undefined, 'and no event')
})

t.test('the clock seam is refused in production', async (t) => {
  await t.rejects(
    build(t, {
      TEST_CLOCK_OFFSET_MS: '2000',
      DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com',
      COGNITO_ENDPOINT: 'https://cognito-idp.eu-west-1.amazonaws.com',
      CURSOR_SECRET: randomUUID() + randomUUID(),
      INTERNAL_TOKEN: randomUUID() + randomUUID(),
    }),
    /TEST_CLOCK_OFFSET_MS is a test seam/,
  )
})
