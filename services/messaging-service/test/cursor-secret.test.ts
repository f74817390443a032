import { randomBytes } from 'node:crypto'
import t from 'tap'
import { decodeCursor, encodeCursor, type TableKey } from '../src/conversations/index.js'
import { apiHarness, build, cognitoUser } from './helper.js'

const secret = () => randomBytes(32).toString('base64url')
const keyOf = (cursor: string) =>
  (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k: TableKey }).k

t.test('cursor signing: the current secret signs, the previous one still decodes', async (t) => {
  const [old, current, other] = [secret(), secret(), secret()]
  const key = { pk: 'CONV#c', sk: 'MSG#2026-01-01T00:00:00.000Z#m' }
  const scope = 'messages:u:c'
  const before = encodeCursor(key, { secrets: { current: old }, scope })
  const rotating = { secrets: { current, previous: old }, scope }
  t.same(decodeCursor(before, rotating), key, 'a cursor of the previous secret during a rotation')
  t.same(
    decodeCursor(encodeCursor(key, rotating), { secrets: { current }, scope }),
    key,
    'new ones: the current',
  )
  t.equal(decodeCursor(before, { secrets: { current }, scope }), undefined, 'after the rotation it is gone')
  t.equal(decodeCursor(before, { secrets: { current: other, previous: current }, scope }), undefined)
  t.equal(decodeCursor(before, { secrets: { current: old }, scope: 'messages:someone-else:c' }), undefined)
})

t.test(
  'GET /api/messages/:uuid: cursors have their own secret, and every page checks membership',
  async (t) => {
    const { app, facts, table, userService, as } = await apiHarness(t)
    const [alice, bob, carol] = await Promise.all(
      ['curalice', 'curbob', 'curcarol'].map((prefix) =>
        cognitoUser(t, { prefix, userServiceUrl: userService.url }),
      ),
    )
    if (!alice?.user || !bob || !carol?.user) throw new Error('test users missing')
    const post = (body: object) =>
      app.inject({ method: 'POST', url: '/api/messages', headers: as(alice), payload: body })
    const conversation = (await post({ message: 'first', handle: bob.handle })).json()
      .message_group_uuid as string
    for (let i = 0; i < 4; i++) await post({ message: `more ${i}`, message_group_uuid: conversation })
    const get = (user: typeof alice, cursor: string, on = app) =>
      on.inject({
        method: 'GET',
        url: `/api/messages/${conversation}?limit=2&cursor=${encodeURIComponent(cursor)}`,
        headers: as(user),
      })
    const first = await app.inject({
      method: 'GET',
      url: `/api/messages/${conversation}?limit=2`,
      headers: as(alice),
    })
    const genuine = String(first.headers['x-next-cursor'])
    t.equal((await get(alice, genuine)).statusCode, 200, 'control: the genuine cursor pages on')
    const key = keyOf(genuine)
    /** A cursor for this conversation's second page, signed with `secret` for `caller`. */
    const forge = (secret: string, caller: typeof alice) =>
      encodeCursor(key, {
        secrets: { current: secret },
        scope: `messages:${caller.user?.uuid}:${conversation}`,
      })

    await t.test('a non-member with a validly signed cursor gets 404, not the messages', async (t) => {
      const forged = forge(facts.cursorSecret, carol)
      const res = await get(carol, forged)
      t.equal(res.statusCode, 404)
      t.same(res.json().errors, ['message_group_not_found'])
      t.notMatch(res.body, /more \d/, 'no message of the conversation')
    })

    await t.test('a cursor signed with INTERNAL_TOKEN is not a cursor of this service', async (t) => {
      const withInternal = forge(facts.internalToken, alice)
      const res = await get(alice, withInternal)
      t.equal(res.statusCode, 400)
      t.same(res.json().errors, ['invalid_cursor'])
    })

    await t.test('rotation: the previous secret still pages on, an unknown one is refused', async (t) => {
      const next = secret()
      const rotated = await build(t, {
        USER_SERVICE_URL: userService.url,
        DDB_MESSAGE_TABLE: table,
        CURSOR_SECRET: next,
        CURSOR_SECRET_PREVIOUS: facts.cursorSecret,
      })
      const old = await get(alice, genuine, rotated)
      t.equal(old.statusCode, 200, 'a cursor signed before the rotation')
      t.same(
        old.json().map((m: { message: string }) => m.message),
        (await get(alice, genuine)).json().map((m: { message: string }) => m.message),
      )
      const fresh = String(old.headers['x-next-cursor'])
      const done = await build(t, {
        USER_SERVICE_URL: userService.url,
        DDB_MESSAGE_TABLE: table,
        CURSOR_SECRET: next,
      })
      t.equal(
        (await get(alice, fresh, done)).statusCode,
        200,
        'cursors of the rotated service use the new secret',
      )
      const stale = await get(alice, genuine, done)
      t.equal(stale.statusCode, 400, 'once PREVIOUS is dropped, the old cursor is refused')
      t.same(stale.json().errors, ['invalid_cursor'])
      const unknown = forge(secret(), alice)
      t.equal((await get(alice, unknown, rotated)).statusCode, 400, 'a secret the service never had')
    })

    await t.test('CURSOR_SECRET is required and at least 32 characters', async (t) => {
      for (const value of ['', 'x'.repeat(31)]) {
        await t.rejects(
          build(t, { CURSOR_SECRET: value }),
          /CURSOR_SECRET/,
          `CURSOR_SECRET=${JSON.stringify(value)}`,
        )
      }
    })
  },
)
