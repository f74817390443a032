import { testStack } from '@cruddur/local-stack/testing'
import t, { type Test } from 'tap'
import { assertErrors, build, postGarbledJson } from './helper.js'

const facts = testStack()
const internal = { 'x-internal-token': facts.internalToken }

async function seeded(t: Test) {
  const app = await build(t)
  const { seed } = await import('../tools/seed.js')
  await seed(app.sql)
  await app.sql`update users set cognito_user_id = 'sub-bayko' where handle = 'bayko'`
  const [bayko] = await app.sql<{ uuid: string }[]>`select uuid from users where handle = 'bayko'`
  const [londo] = await app.sql<{ uuid: string }[]>`select uuid from users where handle = 'londo'`
  return { app, bayko: bayko?.uuid as string, londo: londo?.uuid as string }
}

t.test('GET /api/users/@:handle/short', async (t) => {
  const { app, bayko } = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/api/users/@bayko/short' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { uuid: bayko, handle: 'bayko', display_name: 'Andrew Bayko' })

  const upper = await app.inject({ method: 'GET', url: '/api/users/@BAYKO/short' })
  t.equal(upper.statusCode, 200, 'handles are case-insensitive')
  t.equal(upper.json().handle, 'bayko', 'and returned as stored')

  const unknown = await app.inject({ method: 'GET', url: '/api/users/@nobody/short' })
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), {
    statusCode: 404,
    error: 'Not Found',
    message: 'No user with the handle @nobody',
    errors: ['user_not_found'],
  })
  const tooLong = await app.inject({ method: 'GET', url: `/api/users/@${'x'.repeat(65)}/short` })
  t.equal(tooLong.statusCode, 400)
  t.same(tooLong.json().errors, ['invalid_handle'])
})

t.test('SQL injection attempts in handle and sub are just unknown values', async (t) => {
  const { app } = await seeded(t)
  const attempts = ["' OR '1'='1", "bayko' --", "x'; drop table users; --", '%', 'bayko%', '_ayko', '\\']
  for (const attempt of attempts) {
    const enc = encodeURIComponent(attempt)
    const pub = await app.inject({ method: 'GET', url: `/api/users/@${enc}/short` })
    t.equal(pub.statusCode, 404, `public handle ${attempt}`)
    const byHandle = await app.inject({
      method: 'GET',
      url: `/internal/users/by-handle/${enc}`,
      headers: internal,
    })
    t.equal(byHandle.statusCode, 404, `internal handle ${attempt}`)
    const bySub = await app.inject({ method: 'GET', url: `/internal/users/by-sub/${enc}`, headers: internal })
    t.equal(bySub.statusCode, 404, `sub ${attempt}`)
  }
  const [row] = await app.sql`select count(*)::int as n from users`
  t.equal(row?.n, 3, 'the table is intact')
})

t.test('internal routes refuse a missing, wrong or differently sized token with 401', async (t) => {
  const { app, bayko } = await seeded(t)
  const requests = [
    { method: 'GET' as const, url: '/internal/users/by-sub/sub-bayko' },
    { method: 'GET' as const, url: '/internal/users/by-handle/bayko' },
    { method: 'POST' as const, url: '/internal/users/batch', payload: { uuids: [bayko] } },
    { method: 'POST' as const, url: '/internal/cognito/sync' },
    { method: 'POST' as const, url: '/internal/cognito/post-confirmation', payload: { nonsense: true } },
  ]
  const tokens: (Record<string, string> | undefined)[] = [
    undefined,
    { 'x-internal-token': '' },
    { 'x-internal-token': `${facts.internalToken}x` },
    { 'x-internal-token': facts.internalToken.slice(0, -1) },
    { 'x-internal-token': 'y'.repeat(facts.internalToken.length) },
    { authorization: `Bearer ${facts.internalToken}` },
  ]
  for (const request of requests) {
    for (const headers of tokens) {
      const res = await app.inject({ ...request, headers })
      t.equal(res.statusCode, 401, `${request.method} ${request.url} with ${JSON.stringify(headers)}`)
      t.same(res.json().errors, ['unauthorized'])
    }
  }
})

t.test('GET /internal/users/by-sub/:sub', async (t) => {
  const { app, bayko } = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/internal/users/by-sub/sub-bayko', headers: internal })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    uuid: bayko,
    handle: 'bayko',
    display_name: 'Andrew Bayko',
    cognito_user_id: 'sub-bayko',
  })
  const bySub = (sub: string) =>
    app.inject({ method: 'GET', url: `/internal/users/by-sub/${sub}`, headers: internal })
  assertErrors(t, await bySub('sub-nobody'), 404, ['user_not_found'])
  t.equal((await bySub('SUB-BAYKO')).statusCode, 404, 'subs are exact, not case-insensitive')
})

t.test('GET /internal/users/by-handle/:handle (case-insensitive)', async (t) => {
  const { app, londo } = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/internal/users/by-handle/LonDo', headers: internal })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { uuid: londo, handle: 'londo', display_name: 'Londo Mollari', cognito_user_id: null })
  const unknown = await app.inject({
    method: 'GET',
    url: '/internal/users/by-handle/nobody',
    headers: internal,
  })
  assertErrors(t, unknown, 404, ['user_not_found'])
})

t.test('POST /internal/users/batch', async (t) => {
  const { app, bayko, londo } = await seeded(t)
  const unknown = '00000000-0000-4000-8000-000000000000'
  const res = await app.inject({
    method: 'POST',
    url: '/internal/users/batch',
    headers: internal,
    payload: { uuids: [londo, unknown, bayko, londo] },
  })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    users: [
      { uuid: bayko, handle: 'bayko', display_name: 'Andrew Bayko', cognito_user_id: 'sub-bayko' },
      { uuid: londo, handle: 'londo', display_name: 'Londo Mollari', cognito_user_id: null },
    ],
  })
  const none = await app.inject({
    method: 'POST',
    url: '/internal/users/batch',
    headers: internal,
    payload: { uuids: [unknown] },
  })
  t.same(none.json(), { users: [] })
  for (const [payload, code] of [
    [{ uuids: ['not-a-uuid'] }, 'invalid_uuids'],
    [{ uuids: [] }, 'invalid_uuids'],
    [{}, 'invalid_uuids'],
    [{ uuids: [bayko], extra: 1 }, 'invalid_extra'],
  ] as const) {
    const bad = await app.inject({ method: 'POST', url: '/internal/users/batch', headers: internal, payload })
    assertErrors(t, bad, 400, [code], JSON.stringify(payload))
  }
  assertErrors(t, await postGarbledJson(app, '/internal/users/batch', internal, '{"uuids": ['), 400, [
    'invalid_json',
  ])
})

t.test('a database that is down answers 503 dependency_unavailable, not 500', async (t) => {
  const app = await build(t, { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:9/nothing' })
  for (const [url, headers] of [
    ['/api/users/@bayko/short', {}],
    ['/internal/users/by-handle/bayko', internal],
  ] as const) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 503, url)
    t.same(res.json().errors, ['dependency_unavailable'])
    t.notMatch(res.body, /ECONNREFUSED|127\.0\.0\.1/, 'no internals in the body')
  }
})

t.test('the OpenAPI description lists every public route and none of the internal ones', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const paths = Object.keys(res.json().paths)
  t.ok(paths.includes('/api/users/@{handle}/short'), paths.join(', '))
  t.same(
    paths.filter((p) => p.startsWith('/internal')),
    [],
    'issue 10 item 10: the public description does not show which internal routes exist',
  )
  t.notOk(JSON.stringify(res.json()).includes('/internal'), 'not even in a description')
  const hidden = await app.inject({ method: 'GET', url: '/internal/docs/json' })
  t.equal(hidden.statusCode, 401, 'the internal description needs the token')
  const internalDoc = await app.inject({ method: 'GET', url: '/internal/docs/json', headers: internal })
  t.same(Object.keys(internalDoc.json().paths).sort(), [
    '/internal/cognito/post-confirmation',
    '/internal/cognito/sync',
    '/internal/users/batch',
    '/internal/users/by-handle/{handle}',
    '/internal/users/by-sub/{sub}',
  ])
  t.match(internalDoc.json().paths['/internal/users/batch'], { post: { tags: ['internal'] } })
})

t.test('issue 10 item 10: the token is checked before any 404 under /internal', async (t) => {
  const app = await build(t)
  const probes = [
    { method: 'GET' as const, url: '/internal/nope' },
    { method: 'POST' as const, url: '/internal/admin/delete-everything' },
    { method: 'GET' as const, url: '/internal/users/by-sub' },
    { method: 'DELETE' as const, url: '/internal/users/batch' },
    { method: 'GET' as const, url: '/internal/' },
    { method: 'GET' as const, url: '/internal' },
    { method: 'GET' as const, url: '/internal/cognito/sync?dry_run=true' },
  ]
  for (const probe of probes) {
    for (const headers of [undefined, { 'x-internal-token': 'wrong' }]) {
      const res = await app.inject({ ...probe, headers })
      t.equal(res.statusCode, 401, `${probe.method} ${probe.url} ${headers ? 'wrong token' : 'no token'}`)
      t.same(res.json().errors, ['unauthorized'])
    }
    const known = await app.inject({ ...probe, headers: internal })
    t.equal(known.statusCode, 404, `${probe.method} ${probe.url} with the token: a plain 404`)
    t.match(known.json(), { statusCode: 404, error: 'Not Found', errors: ['not_found'] })
  }
  const outside = await app.inject({ method: 'GET', url: '/internalish' })
  t.equal(outside.statusCode, 404, 'a path that only starts with the same letters is an ordinary 404')
})
