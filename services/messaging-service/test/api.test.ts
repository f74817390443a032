import { randomUUID } from 'node:crypto'
import t from 'tap'
import { apiHarness, build, cognitoUser } from './helper.js'

t.test('messaging API against a real user-service, cognito-local and DynamoDB Local', async (t) => {
  const { app, table, userService, as } = await apiHarness(t)
  const [alice, bob, carol] = await Promise.all(
    ['alice', 'bob', 'carol'].map((prefix) => cognitoUser(t, { prefix, userServiceUrl: userService.url })),
  )
  if (!alice || !bob || !carol) throw new Error('test users missing')
  const post = (user: typeof alice, body: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: { ...as(user), ...headers },
      payload: body as object,
    })
  const get = (user: typeof alice, url: string) => app.inject({ method: 'GET', url, headers: as(user) })

  let conversation = ''

  await t.test('POST with a handle starts a conversation (200, the contract shape)', async (t) => {
    const res = await post(alice, { message: 'Hi Bob!', handle: bob.handle.toUpperCase() })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.match(body, {
      message_group_uuid: /^[0-9a-f-]{36}$/,
      uuid: /^[0-9a-f-]{36}$/,
      display_name: alice.user?.display_name,
      handle: alice.handle,
      message: 'Hi Bob!',
      created_at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    })
    conversation = body.message_group_uuid
    const again = await post(bob, { message: 'Hi Alice', handle: `@${alice.handle}` })
    t.equal(again.statusCode, 200)
    t.equal(again.json().message_group_uuid, conversation, 'a second start reuses the conversation')
    const reply = await post(bob, { message: 'How are you?', message_group_uuid: conversation })
    t.equal(reply.statusCode, 200)
    t.equal(reply.json().handle, bob.handle)
  })

  await t.test('GET /api/messages/:uuid lists oldest to newest with the sender', async (t) => {
    const res = await get(alice, `/api/messages/${conversation}`)
    t.equal(res.statusCode, 200)
    t.same(
      res.json().map((m: { message: string; handle: string }) => [m.handle, m.message]),
      [
        [alice.handle, 'Hi Bob!'],
        [bob.handle, 'Hi Alice'],
        [bob.handle, 'How are you?'],
      ],
    )
    t.notOk(res.headers['x-next-cursor'])
  })

  await t.test('GET /api/message_groups shows the other person and the last message', async (t) => {
    for (const [me, other] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const res = await get(me, '/api/message_groups')
      t.equal(res.statusCode, 200)
      t.same(res.json(), [
        {
          uuid: conversation,
          display_name: other.user?.display_name,
          handle: other.handle,
          message: 'How are you?',
          created_at: res.json()[0].created_at,
          // Nobody has read anything yet: Alice has Bob's two messages, Bob has Alice's one.
          unread_count: me === alice ? 2 : 1,
        },
      ])
    }
    const empty = await get(carol, '/api/message_groups')
    t.same(empty.json(), [])
  })

  await t.test('paging with x-next-cursor, and cursors are bound to caller and list', async (t) => {
    for (let i = 0; i < 5; i++) {
      t.equal((await post(alice, { message: `page ${i}`, message_group_uuid: conversation })).statusCode, 200)
    }
    const seen: string[] = []
    let url = `/api/messages/${conversation}?limit=3`
    let cursor: string | undefined
    let pages = 0
    do {
      const res = await get(alice, url)
      t.equal(res.statusCode, 200)
      pages++
      seen.unshift(...res.json().map((m: { message: string }) => m.message))
      cursor = res.headers['x-next-cursor'] as string | undefined
      url = `/api/messages/${conversation}?limit=3&cursor=${cursor}`
    } while (cursor)
    t.equal(pages, 3)
    t.same(seen, ['Hi Bob!', 'Hi Alice', 'How are you?', 'page 0', 'page 1', 'page 2', 'page 3', 'page 4'])

    const first = await get(alice, `/api/messages/${conversation}?limit=2`)
    const aliceCursor = String(first.headers['x-next-cursor'])
    const stolen = await get(bob, `/api/messages/${conversation}?limit=2&cursor=${aliceCursor}`)
    t.equal(stolen.statusCode, 400, "another caller cannot use alice's cursor")
    t.same(stolen.json().errors, ['invalid_cursor'])
    const elsewhere = await get(alice, `/api/messages/${randomUUID()}?cursor=${aliceCursor}`)
    t.same(elsewhere.json().errors, ['invalid_cursor'], 'nor for another conversation')
    const forged = Buffer.from(
      JSON.stringify({ k: { pk: `CONV#${conversation}`, sk: 'MSG#9999' }, m: 'AAAAAAAAAAAAAAAAAAAAAA' }),
    ).toString('base64url')
    t.same((await get(alice, `/api/messages/${conversation}?cursor=${forged}`)).json().errors, [
      'invalid_cursor',
    ])
    t.same((await get(alice, '/api/message_groups?cursor=not-a-cursor')).json().errors, ['invalid_cursor'])

    const groups = await get(alice, '/api/message_groups?limit=1')
    t.notOk(groups.headers['x-next-cursor'], 'one conversation: no next page')
  })

  await t.test('conversation list paging across several conversations', async (t) => {
    const others = await Promise.all(
      [0, 1, 2].map((i) => cognitoUser(t, { prefix: `pal${i}`, userServiceUrl: userService.url })),
    )
    for (const other of others) {
      t.equal((await post(carol, { message: `hi ${other.handle}`, handle: other.handle })).statusCode, 200)
    }
    const first = await get(carol, '/api/message_groups?limit=2')
    t.same(
      first.json().map((g: { handle: string }) => g.handle),
      [others[2]?.handle, others[1]?.handle],
      'most recent first',
    )
    const next = await get(carol, `/api/message_groups?limit=2&cursor=${first.headers['x-next-cursor']}`)
    t.same(
      next.json().map((g: { handle: string }) => g.handle),
      [others[0]?.handle],
    )
    t.notOk(next.headers['x-next-cursor'])
  })

  await t.test('membership: a non-member gets the same 404 as an unknown conversation', async (t) => {
    const read = await get(carol, `/api/messages/${conversation}`)
    const unknown = await get(carol, `/api/messages/${randomUUID()}`)
    for (const res of [read, unknown]) {
      t.equal(res.statusCode, 404)
      t.same(res.json().errors, ['message_group_not_found'])
    }
    t.equal(read.json().message, unknown.json().message, 'nothing tells them apart')
    const send = await post(carol, { message: 'sneaky', message_group_uuid: conversation })
    t.equal(send.statusCode, 404)
    t.same(send.json().errors, ['message_group_not_found'])
    const after = await get(alice, `/api/messages/${conversation}?limit=100`)
    t.notOk(
      after.json().some((m: { message: string }) => m.message === 'sneaky'),
      'nothing was stored',
    )
  })

  await t.test('every 4xx row of the contract for POST /api/messages', async (t) => {
    const cases: [string, unknown, number, string][] = [
      ['empty message', { message: '', handle: bob.handle }, 422, 'message_blank'],
      ['whitespace message', { message: ' \n\t ', handle: bob.handle }, 422, 'message_blank'],
      [
        '1025 code points',
        { message: '😀'.repeat(1025), handle: bob.handle },
        422,
        'message_exceed_max_chars',
      ],
      ['no target', { message: 'hello' }, 422, 'handle_blank'],
      ['blank handle', { message: 'hello', handle: '  ' }, 422, 'handle_blank'],
      ['to myself', { message: 'hello', handle: alice.handle.toUpperCase() }, 422, 'cannot_message_self'],
      ['unknown handle', { message: 'hello', handle: `nobody${Date.now()}` }, 404, 'user_not_found'],
      ['bad uuid', { message: 'hello', message_group_uuid: 'not-a-uuid' }, 400, 'invalid_message_group_uuid'],
      ['wrong type', { message: 42, handle: bob.handle }, 400, 'invalid_message'],
      ['object message', { message: { text: 'x' }, handle: bob.handle }, 400, 'invalid_message'],
      ['numeric handle', { message: 'x', handle: 7 }, 400, 'invalid_handle'],
      ['lone surrogate in the message', { message: 'a\ud800b', handle: bob.handle }, 400, 'invalid_message'],
      ['lone surrogate in the handle', { message: 'x', handle: '\udfff' }, 400, 'invalid_handle'],
      ['a handle that is a path', { message: 'x', handle: '../by-sub/..' }, 404, 'user_not_found'],
      ['missing message', { handle: bob.handle }, 400, 'invalid_message'],
      ['unknown field', { message: 'x', handle: bob.handle, admin: true }, 400, 'invalid_admin'],
    ]
    for (const [name, body, status, code] of cases) {
      const res = await post(alice, body)
      t.equal(res.statusCode, status, name)
      t.same(res.json().errors, [code], name)
    }
    const exactly = await post(alice, { message: '😀'.repeat(1024), message_group_uuid: conversation })
    t.equal(exactly.statusCode, 200, '1024 code points (4096 UTF-16 units... bytes) are fine')
    const badJson = await app.inject({
      method: 'POST',
      url: '/api/messages',
      headers: { ...as(alice), 'content-type': 'application/json' },
      payload: '{"message": "hi",',
    })
    t.equal(badJson.statusCode, 400)
    t.same(badJson.json().errors, ['invalid_json'])
  })

  await t.test('bad limit and uuid on the lists are 400s naming the field', async (t) => {
    for (const limit of ['0', '101', 'abc', '1.5']) {
      const res = await get(alice, `/api/message_groups?limit=${limit}`)
      t.equal(res.statusCode, 400, `limit=${limit}`)
      t.same(res.json().errors, ['invalid_limit'])
    }
    const badUuid = await get(alice, '/api/messages/not-a-uuid')
    t.equal(badUuid.statusCode, 400)
    t.same(badUuid.json().errors, ['invalid_message_group_uuid'])
  })

  await t.test('Idempotency-Key: a retry answers the first response and stores once', async (t) => {
    const key = { 'idempotency-key': randomUUID() }
    const first = await post(alice, { message: 'exactly once', message_group_uuid: conversation }, key)
    const retry = await post(alice, { message: 'exactly once', message_group_uuid: conversation }, key)
    t.equal(first.statusCode, 200)
    t.equal(retry.statusCode, 200)
    t.same(retry.json(), first.json(), 'same answer, same message uuid')
    const reused = await post(alice, { message: 'something else', message_group_uuid: conversation }, key)
    t.equal(reused.statusCode, 409)
    t.same(reused.json().errors, ['idempotency_key_reused'])
    const bobSameKey = await post(bob, { message: 'exactly once', message_group_uuid: conversation }, key)
    t.equal(bobSameKey.statusCode, 200, 'keys are scoped to the caller')
    t.not(bobSameKey.json().uuid, first.json().uuid)
    const page = await get(alice, `/api/messages/${conversation}?limit=100`)
    t.equal(page.json().filter((m: { message: string }) => m.message === 'exactly once').length, 2)

    const startKey = { 'idempotency-key': randomUUID() }
    const dave = await cognitoUser(t, { prefix: 'dave', userServiceUrl: userService.url })
    const [s1, s2] = await Promise.all([
      post(alice, { message: 'new chat', handle: dave.handle }, startKey),
      post(alice, { message: 'new chat', handle: dave.handle }, startKey),
    ])
    t.equal(s1.statusCode, 200)
    t.same(s2.json(), s1.json(), 'concurrent retries of a start answer the same')
    const daveGroups = await get(dave, '/api/message_groups')
    t.equal(daveGroups.json().length, 1)
    const daveMessages = await get(dave, `/api/messages/${s1.json().message_group_uuid}`)
    t.equal(daveMessages.json().length, 1, 'stored once')
  })

  await t.test(
    '100 concurrent sends over HTTP: all 200, all stored, the list shows the newest',
    async (t) => {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          post(i % 2 ? alice : bob, { message: `burst ${i}`, message_group_uuid: conversation }),
        ),
      )
      t.same(
        results.filter((r) => r.statusCode !== 200).map((r) => r.body),
        [],
        'every send answered 200',
      )
      const page = await get(alice, `/api/messages/${conversation}?limit=100`)
      const stored = new Set(page.json().map((m: { uuid: string }) => m.uuid))
      t.ok(
        results.every((r) => stored.has(r.json().uuid)),
        'every acknowledged message is stored',
      )
      const newest = page.json().at(-1)
      for (const me of [alice, bob]) {
        const groups = await get(me, '/api/message_groups')
        const entry = groups.json().find((g: { uuid: string }) => g.uuid === conversation)
        t.equal(entry?.message, newest.message, 'the list shows the newest message')
        t.equal(entry?.created_at, newest.created_at)
      }
    },
  )

  await t.test('two simultaneous starts for one pair end with one conversation', async (t) => {
    const [erin, frank] = await Promise.all(
      ['erin', 'frank'].map((prefix) => cognitoUser(t, { prefix, userServiceUrl: userService.url })),
    )
    if (!erin || !frank) throw new Error('test users missing')
    const [a, b] = await Promise.all([
      post(erin, { message: 'hey frank', handle: frank.handle }),
      post(frank, { message: 'hey erin', handle: erin.handle }),
    ])
    t.equal(a.statusCode, 200)
    t.equal(b.statusCode, 200)
    t.equal(a.json().message_group_uuid, b.json().message_group_uuid)
    const groups = await get(erin, '/api/message_groups')
    t.equal(groups.json().length, 1)
  })

  await t.test('a sub not in the user directory is a 403', async (t) => {
    const stranger = await cognitoUser(t, { prefix: 'stranger', register: false })
    for (const res of [
      await get(stranger, '/api/message_groups'),
      await get(stranger, `/api/messages/${conversation}`),
      await post(stranger, { message: 'hello', handle: alice.handle }),
    ]) {
      t.equal(res.statusCode, 403)
      t.same(res.json().errors, ['user_not_registered'])
    }
  })

  await t.test('OpenAPI describes every route', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' })
    t.equal(res.statusCode, 200)
    const paths = Object.keys(res.json().paths)
    for (const p of ['/api/message_groups', '/api/messages/{message_group_uuid}', '/api/messages']) {
      t.ok(paths.includes(p), p)
    }
  })

  await t.test('user-service down: 503 dependency_unavailable, quickly', async (t) => {
    const down = await build(t, { USER_SERVICE_URL: 'http://127.0.0.1:9', DDB_MESSAGE_TABLE: table })
    const started = Date.now()
    const res = await down.inject({ method: 'GET', url: '/api/message_groups', headers: as(alice) })
    t.equal(res.statusCode, 503)
    t.same(res.json().errors, ['dependency_unavailable'])
    t.ok(Date.now() - started < 5_000)
    t.notMatch(res.body, /ECONNREFUSED|stack/)
  })

  await t.test('DynamoDB down: 503 dependency_unavailable, no internals', async (t) => {
    const down = await build(t, {
      USER_SERVICE_URL: userService.url,
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    })
    for (const res of [
      await down.inject({ method: 'GET', url: '/api/message_groups', headers: as(alice) }),
      await down.inject({ method: 'GET', url: `/api/messages/${conversation}`, headers: as(alice) }),
      await down.inject({
        method: 'POST',
        url: '/api/messages',
        headers: as(alice),
        payload: { message: 'hi', message_group_uuid: conversation },
      }),
    ]) {
      t.equal(res.statusCode, 503)
      t.same(res.json().errors, ['dependency_unavailable'])
      t.notMatch(res.body, /ECONNREFUSED|127\.0\.0\.1/)
    }
  })

  await t.test('a missing table is a 503 too, not a 500', async (t) => {
    const noTable = await build(t, { USER_SERVICE_URL: userService.url, DDB_MESSAGE_TABLE: 'no-such-table' })
    const res = await noTable.inject({ method: 'GET', url: '/api/message_groups', headers: as(alice) })
    t.equal(res.statusCode, 503)
  })

  await t.test('user-service stopping mid-way: 503, not a hang', async (t) => {
    await userService.stop()
    const fresh = await build(t, { USER_SERVICE_URL: userService.url, DDB_MESSAGE_TABLE: table })
    const res = await fresh.inject({ method: 'GET', url: '/api/message_groups', headers: as(bob) })
    t.equal(res.statusCode, 503)
    t.same(res.json().errors, ['dependency_unavailable'])
  })
})
