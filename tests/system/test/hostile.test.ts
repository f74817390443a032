/**
 * Hostile input against every route of both services: generated bodies, params, query strings
 * and headers (fast-check), forged tokens, oversized bodies, tampered and foreign cursors,
 * injection attempts, and internal routes without their token. Never a 5xx, never an internal
 * detail in a body, always the contract's error shape.
 */
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { figures, reportFigures } from './lib/figures.js'
import {
  type CallOptions,
  call,
  type ErrorBody,
  leakedInternals,
  type Reply,
  type SentMessage,
} from './lib/http.js'
import { remint, tokenAttacks } from './lib/jwt.js'
import { assertNoSecretsLogged } from './lib/logs.js'
import { systemWithPeople, type TestUser } from './lib/users.js'

const startedAt = Date.now()
/** Generated cases per property; FC_RUNS raises it for a longer local soak. */
const RUNS = Number(process.env.FC_RUNS ?? 100)
/**
 * A fixed seed by default, so CI runs the same inputs every time (a new failure points at a
 * change, not at luck); FC_SEED=random explores, FC_SEED=<n> replays a reported failure.
 */
const SEED = process.env.FC_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED ?? 20261128)
const fcParams = { numRuns: RUNS, seed: SEED }
const {
  system,
  people: { alice, bob, carol, dave },
} = await systemWithPeople(t, 'hostile', 'hst', ['alice', 'bob', 'carol', 'dave'])
/** alice↔bob, alice↔carol and carol↔dave, three messages each. */
let ab = ''
let ac = ''
let cd = ''

t.before(async () => {
  const start = async (from: TestUser, to: TestUser) => {
    let group = ''
    for (let i = 0; i < 3; i++) {
      const body: Record<string, string> = group
        ? { message_group_uuid: group, message: `m${i}` }
        : { handle: to.handle, message: `m${i}` }
      const res = await call<SentMessage>(system.facts.messagingService.url, 'POST', '/api/messages', {
        token: from.accessToken,
        body,
      })
      if (res.status !== 200) throw new Error(`setup send answered ${res.status}: ${res.text}`)
      group = res.json.message_group_uuid
    }
    return group
  }
  ab = await start(alice, bob)
  ac = await start(alice, carol)
  cd = await start(carol, dave)
})

type Service = 'messaging' | 'users'
const base = (service: Service) =>
  service === 'messaging' ? system.facts.messagingService.url : system.facts.userService.url

/** What is wrong with an answer to hostile input, or null: the checks every probe makes. */
function judge(res: Reply<unknown>, sent: string[], method = 'GET'): string | null {
  if (res.status >= 500) return `a ${res.status}`
  const leak = leakedInternals(res.text, sent)
  if (leak) return `the body leaks "${leak}"`
  if (res.status >= 400 && method !== 'HEAD') {
    const body = res.json as Partial<ErrorBody> | undefined
    if (!body || typeof body !== 'object') return 'an error without a JSON body'
    if (body.statusCode !== res.status) return `statusCode ${body.statusCode} in a ${res.status}`
    if (typeof body.error !== 'string' || typeof body.message !== 'string') return 'no error/message strings'
    if (
      body.errors !== undefined &&
      !(Array.isArray(body.errors) && body.errors.every((e) => typeof e === 'string'))
    )
      return 'errors is not a list of codes'
  }
  return null
}

/**
 * Defects this suite found in code outside tests/system, each with its owner. A hit is counted
 * and printed (TAP comment and the figures line) instead of failing the run, so the rest of
 * the suite keeps guarding `pnpm test` until the owner fixes it; then the entry goes and any
 * hit fails again. Every other finding fails the test.
 */
const KNOWN_DEFECTS: Array<{
  id: string
  owner: string
  matches: (method: string, path: string, res: Reply<unknown>, sent: string[]) => boolean
}> = [
  // None open. Found and fixed: a NUL byte in a handle/sub/post-confirmation attribute answered 500
  // (now a 400 at the schema), and a non-preflight OPTIONS answered a text/plain 400 (now 204).
]
/** Answers that were known-defect hits: the named checks below skip only those. */
const knownResponses = new WeakSet<object>()
const knownHits = new Map<string, { count: number; example: string; status5xx: number }>()

/** One hostile request: counted, and judged (throws, so fast-check shrinks to the smallest case). */
async function probe(
  service: Service,
  method: string,
  path: string,
  options: CallOptions = {},
  sent: string[] = [],
): Promise<Reply<unknown>> {
  figures.hostileInputs++
  let res: Reply<unknown>
  try {
    res = await call(base(service), method, path, options)
  } catch (error) {
    throw new Error(`${method} ${path}: no HTTP answer (${(error as Error).message})`)
  }
  if (res.status >= 500) figures.hostile5xx++
  const problem = judge(res, sent, method)
  const known = problem ? KNOWN_DEFECTS.find((d) => d.matches(method, path, res, sent)) : undefined
  if (known) {
    knownResponses.add(res)
    const hit = knownHits.get(known.id) ?? {
      count: 0,
      example: `${method} ${path}`.slice(0, 120),
      status5xx: 0,
    }
    hit.count++
    if (res.status >= 500) hit.status5xx++
    knownHits.set(known.id, hit)
    return res
  }
  if (problem)
    throw new Error(`${method} ${path} answered ${res.status}: ${problem}\n${res.text.slice(0, 400)}`)
  return res
}

async function property<T>(t: Test, name: string, prop: fc.IAsyncProperty<T>, runs = RUNS) {
  try {
    await fc.assert(prop, { ...fcParams, numRuns: runs })
    t.pass(`${name}: ${runs} generated cases (seed ${SEED}), no 5xx, no leak, contract error shape`)
  } catch (error) {
    // fast-check keeps what the probe threw as the cause; that is the finding.
    const cause = (error as Error).cause
    t.fail(`${name}: ${cause instanceof Error ? cause.message : ''}\n${(error as Error).message}`)
  }
}

// Generators ----------------------------------------------------------------------------------
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    "' OR '1'='1",
    '"; DROP TABLE users; --',
    `$${'{'}jndi:ldap://x}`,
    '{{7*7}}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%00',
    '__proto__',
    'constructor',
    '\u202e',
    'x'.repeat(1025),
  ),
)
const anyJson = fc.jsonValue({ maxDepth: 3 })
const headerValue = fc
  .string({ unit: 'binary-ascii', maxLength: 60 })
  .filter((s) => /^[\t\x20-\x7e]*$/.test(s))
/** Up to `maxKeys` of the headers the services read (and `more`), each with any printable value. */
const hostileHeaders = (maxKeys: number, ...more: string[]) =>
  fc.dictionary(
    fc.constantFrom(
      'content-type',
      'idempotency-key',
      'x-request-id',
      'accept',
      'origin',
      'x-internal-token',
      ...more,
    ),
    headerValue,
    { maxKeys },
  )
/** A path segment: anything, percent-encoded, or raw characters that are legal in a URL. */
/** encodeURIComponent, but a lone surrogate (which it refuses) becomes invalid UTF-8 on the wire. */
function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s)
  } catch {
    return `${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`
  }
}
const segment = fc.oneof(
  anyText.map(encodeSegment),
  fc.uuid().map((u) => u),
  fc.constantFrom('..', '%2e%2e', '%2F', '%00', '%', '%zz', '@', '.', '~', ';', 'a;b=c', '%E2%80%AE'),
)
const queryValue = fc.oneof(
  anyText,
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('0', '-1', '101', '1e3', '20.5', 'NaN', 'true', '[]', '{}', ''),
)
const query = fc
  .dictionary(
    fc.oneof(
      fc.constantFrom('limit', 'cursor', 'dry_run', '__proto__', 'limit[]', 'cursor[a]'),
      fc.string({ maxLength: 8 }),
    ),
    queryValue,
    { maxKeys: 4 },
  )
  .map((entries) => {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(entries)) params.append(k, v)
    const text = params.toString()
    return text ? `?${text}` : ''
  })
const messageBody = fc.oneof(
  anyJson,
  fc.record(
    {
      message: fc.oneof(anyText, anyJson),
      message_group_uuid: fc.oneof(fc.uuid(), anyText, anyJson),
      handle: fc.oneof(anyText, anyJson),
      extra: anyJson,
    },
    { requiredKeys: [] },
  ),
)
const rawBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '{"message":',
    '[1,2',
    'null',
    '{"message":"a","message":"b"}',
    '\ufeff{}',
    '{"__proto__":{"x":1}}',
  ),
)

// Named attacks -------------------------------------------------------------------------------
t.test('token attacks are all 401', async (t) => {
  const control = await probe('messaging', 'GET', '/api/message_groups', { token: remint(alice.accessToken) })
  t.equal(control.status, 200, 'control: a token minted exactly like cognito-local mints one is accepted')
  for (const attack of tokenAttacks(alice.accessToken, alice.idToken)) {
    for (const [method, path, body] of [
      ['GET', '/api/message_groups', undefined],
      ['GET', `/api/messages/${ab}`, undefined],
      ['POST', '/api/messages', { message_group_uuid: ab, message: `attack: ${attack.name}` }],
    ] as const) {
      const res = await probe('messaging', method, path, { token: attack.token, ...(body ? { body } : {}) })
      t.equal(res.status, 401, `${attack.name}: ${method} ${path}`)
      t.same((res.json as ErrorBody).errors, ['unauthorized'])
    }
  }
  const none = await probe('messaging', 'GET', '/api/message_groups')
  t.equal(none.status, 401, 'no Authorization at all')
  const list = await call<Array<{ message: string }>>(
    system.facts.messagingService.url,
    'GET',
    `/api/messages/${ab}`,
    {
      token: alice.accessToken,
    },
  )
  t.notOk(
    list.json.some((m) => m.message.startsWith('attack:')),
    'no attack got a message in',
  )
})

t.test('bodies over 64 KiB are 413 on every route that takes a body', async (t) => {
  const internal = { 'x-internal-token': system.facts.internalToken }
  const big = (bytes: number) => JSON.stringify({ message_group_uuid: ab, message: 'x'.repeat(bytes) })
  for (const [service, path, headers] of [
    ['messaging', '/api/messages', { authorization: `Bearer ${alice.accessToken}` }],
    ['users', '/internal/users/batch', internal],
    ['users', '/internal/cognito/post-confirmation', internal],
  ] as const) {
    for (const size of [64 * 1024 + 1, 1024 * 1024]) {
      const res = await probe(service, 'POST', path, {
        rawBody: big(size),
        headers: { ...headers, 'content-type': 'application/json' },
      })
      t.equal(res.status, 413, `${path} with ${size} bytes`)
      t.same((res.json as ErrorBody).errors, ['payload_too_large'])
    }
  }
  // Without a Content-Length (chunked): the limit holds while streaming.
  figures.hostileInputs++
  // node:http, not fetch: the service answers 413 before the body ends and closes the
  // connection, which fetch reports as a failure instead of the answer.
  const chunkedStatus = await new Promise<number>((resolve, reject) => {
    const url = new URL('/api/messages', system.facts.messagingService.url)
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.on('error', reject)
    req.write(`{"message_group_uuid":"${ab}","message":"`)
    for (let i = 0; i < 10; i++) req.write('x'.repeat(10_000))
    req.end('"}')
  })
  const chunked = { status: chunkedStatus }
  t.equal(chunked.status, 413, 'a chunked 100 KB body')
  const under = await probe('messaging', 'POST', '/api/messages', {
    token: alice.accessToken,
    body: { message_group_uuid: ab, message: 'y'.repeat(60 * 1024) },
  })
  t.equal(under.status, 422, 'just under the limit it is the message length that fails')
  t.same((under.json as ErrorBody).errors, ['message_exceed_max_chars'])
})

t.test('tampered and foreign cursors are 400', async (t) => {
  const page = async (user: TestUser, path: string) => {
    const res = await call(system.facts.messagingService.url, 'GET', path, { token: user.accessToken })
    const cursor = res.headers.get('x-next-cursor')
    if (res.status !== 200 || !cursor) throw new Error(`no cursor from ${path}: ${res.status}`)
    return cursor
  }
  const abCursor = await page(alice, `/api/messages/${ab}?limit=1`)
  const acCursor = await page(alice, `/api/messages/${ac}?limit=1`)
  const cdCursor = await page(carol, `/api/messages/${cd}?limit=1`)
  const aliceGroups = await page(alice, '/api/message_groups?limit=1')
  const carolGroups = await page(carol, '/api/message_groups?limit=1')
  const ok = await probe(
    'messaging',
    'GET',
    `/api/messages/${ab}?limit=1&cursor=${encodeURIComponent(abCursor)}`,
    {
      token: alice.accessToken,
    },
  )
  t.equal(ok.status, 200, 'control: the genuine cursor pages on')
  const okGroups = await probe(
    'messaging',
    'GET',
    `/api/message_groups?limit=1&cursor=${encodeURIComponent(aliceGroups)}`,
    {
      token: alice.accessToken,
    },
  )
  t.equal(okGroups.status, 200, 'control: the genuine list cursor pages on')

  const retarget = (cursor: string, from: string, to: string) => {
    const decoded = Buffer.from(cursor, 'base64url').toString('utf8')
    return decoded.includes(from) ? Buffer.from(decoded.split(from).join(to)).toString('base64url') : null
  }
  const mid = Math.floor(abCursor.length / 2)
  const flip = (c: string) => (c === 'A' ? 'B' : 'A')
  const cases: Array<[string, string, string, TestUser]> = [
    ['truncated', `/api/messages/${ab}`, abCursor.slice(0, mid), alice],
    [
      'one character changed',
      `/api/messages/${ab}`,
      abCursor.slice(0, mid) + flip(abCursor[mid] ?? '') + abCursor.slice(mid + 1),
      alice,
    ],
    ['not base64', `/api/messages/${ab}`, '!!!not*base64!!!', alice],
    ['base64 of {}', `/api/messages/${ab}`, Buffer.from('{}').toString('base64url'), alice],
    ['base64 of []', `/api/messages/${ab}`, Buffer.from('[]').toString('base64url'), alice],
    ['base64 of null', `/api/messages/${ab}`, Buffer.from('null').toString('base64url'), alice],
    [
      'base64 of garbage',
      `/api/messages/${ab}`,
      Buffer.from('\u0000\u00ff garbage').toString('base64url'),
      alice,
    ],
    ['doubled', `/api/messages/${ab}`, abCursor + abCursor, alice],
    ['from another conversation of the same user', `/api/messages/${ab}`, acCursor, alice],
    ['from a conversation of other users', `/api/messages/${ab}`, cdCursor, alice],
    ['a message cursor on the conversation list', '/api/message_groups', abCursor, alice],
    ['a conversation-list cursor on a message list', `/api/messages/${ab}`, aliceGroups, alice],
    ["another user's conversation-list cursor", '/api/message_groups', carolGroups, alice],
  ]
  const moved = retarget(abCursor, ab, ac)
  if (moved)
    cases.push([
      're-pointed at another conversation (decoded, edited, re-encoded)',
      `/api/messages/${ab}`,
      moved,
      alice,
    ])
  const movedUser = retarget(aliceGroups, alice.sub, carol.sub)
  if (movedUser) cases.push(["re-pointed at another user's list", '/api/message_groups', movedUser, alice])
  for (const [name, path, cursor, user] of cases) {
    const res = await probe('messaging', 'GET', `${path}?limit=1&cursor=${encodeURIComponent(cursor)}`, {
      token: user.accessToken,
    })
    t.equal(res.status, 400, `${name}: ${res.text.slice(0, 120)}`)
  }
  await property(
    t,
    'generated cursors',
    fc.asyncProperty(
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 300 }),
        fc
          .base64String({ minLength: 4, maxLength: 300 })
          .map((s) => s.replace(/\+/g, '-').replace(/\//g, '_')),
        anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
      ),
      async (cursor) => {
        const res = await probe(
          'messaging',
          'GET',
          `/api/messages/${ab}?cursor=${encodeURIComponent(cursor)}`,
          {
            token: alice.accessToken,
          },
          [cursor],
        )
        if (res.status !== 400) throw new Error(`cursor ${JSON.stringify(cursor)} got ${res.status}`)
      },
    ),
  )
})

/** The status must be one of `allowed`, unless the answer was a known-defect hit (counted above). */
function expectStatus(t: Test, res: Reply<unknown>, allowed: number[], label: string) {
  if (knownResponses.has(res)) t.comment(`known defect, not judged here: ${label}`)
  else t.ok(allowed.includes(res.status), label)
}

t.test('handle and uuid injection attempts are just not found', async (t) => {
  const internal = { 'x-internal-token': system.facts.internalToken }
  const injections = [
    "' OR '1'='1",
    `${bob.handle}' OR '1'='1`,
    `${bob.handle}'--`,
    '"; DROP TABLE users; --',
    `${bob.handle.replace('_', '%')}`,
    `${bob.handle.replace('_', '.')}`,
    `${bob.handle.slice(0, -2)}__`,
    '%',
    '_',
    '*',
    '.*',
    `${bob.handle}\u0000`,
    '{"$ne":null}',
    `${bob.handle};select pg_sleep(5)`,
  ]
  for (const handle of injections) {
    const t0 = Date.now()
    const profile = await probe('users', 'GET', `/api/users/@${encodeSegment(handle)}/short`, {}, [handle])
    expectStatus(t, profile, [400, 404], `profile @${JSON.stringify(handle)}: ${profile.status}`)
    if (profile.status === 404) t.same((profile.json as ErrorBody).errors, ['user_not_found'])
    t.ok(Date.now() - t0 < 3_000, 'no injected sleep ran')
    for (const lookup of ['by-handle', 'by-sub']) {
      const path = `/internal/users/${lookup}/${encodeSegment(handle)}`
      const res = await probe('users', 'GET', path, { headers: internal }, [handle])
      expectStatus(t, res, [400, 404], `internal ${lookup}: ${res.status}`)
    }
    const sendTo = await probe(
      'messaging',
      'POST',
      '/api/messages',
      {
        token: alice.accessToken,
        body: { handle, message: 'injected' },
      },
      [handle],
    )
    expectStatus(t, sendTo, [400, 404, 422], `send to @${JSON.stringify(handle)}: ${sendTo.status}`)
    if (sendTo.status === 404) t.same((sendTo.json as ErrorBody).errors, ['user_not_found'])
    const asGroup = await probe(
      'messaging',
      'GET',
      `/api/messages/${encodeSegment(handle)}`,
      { token: alice.accessToken },
      [handle],
    )
    expectStatus(t, asGroup, [400, 404], `as a conversation uuid: ${asGroup.status}`)
  }
  const profile = await call<{ handle: string }>(
    system.facts.userService.url,
    'GET',
    `/api/users/@${bob.handle}/short`,
  )
  t.equal(profile.status, 200, 'the directory is intact')
  const batch = await probe('users', 'POST', '/internal/users/batch', {
    headers: internal,
    body: { uuids: [randomUUID(), "00000000-0000-0000-0000-000000000000' OR '1'='1"] },
  })
  t.equal(batch.status, 400, 'a batch with an injected uuid is a bad request')
})

t.test('internal routes without or with a wrong INTERNAL_TOKEN are 401', async (t) => {
  const real = system.facts.internalToken
  const wrongs: Array<[string, Record<string, string>]> = [
    ['no token', {}],
    ['empty token', { 'x-internal-token': '' }],
    [
      'wrong token of the same length',
      { 'x-internal-token': real.slice(0, -1) + (real.endsWith('A') ? 'B' : 'A') },
    ],
    ['a prefix of the token', { 'x-internal-token': real.slice(0, 8) }],
    ['the token plus one character', { 'x-internal-token': `${real}x` }],
    [
      'the token with different case',
      { 'x-internal-token': real.toUpperCase() === real ? real.toLowerCase() : real.toUpperCase() },
    ],
    ['the token as a Bearer token', { authorization: `Bearer ${real}` }],
    [
      'a user access token',
      { 'x-internal-token': alice.accessToken, authorization: `Bearer ${alice.accessToken}` },
    ],
  ]
  const routes: Array<[string, string, unknown]> = [
    ['GET', `/internal/users/by-sub/${alice.sub}`, undefined],
    ['GET', `/internal/users/by-handle/${alice.handle}`, undefined],
    ['POST', '/internal/users/batch', { uuids: [randomUUID()] }],
    ['POST', '/internal/cognito/sync?dry_run=true', undefined],
    ['POST', '/internal/cognito/post-confirmation', { request: { userAttributes: {} } }],
  ]
  for (const [method, path, body] of routes) {
    for (const [name, headers] of wrongs) {
      const res = await probe('users', method, path, { headers, ...(body ? { body } : {}) })
      t.equal(res.status, 401, `${method} ${path}, ${name}`)
      t.same((res.json as ErrorBody).errors, ['unauthorized'])
    }
  }
  const control = await probe('users', 'GET', `/internal/users/by-sub/${alice.sub}`, {
    headers: { 'x-internal-token': real },
  })
  t.equal(control.status, 200, 'control: the right token is let in')
})

// Generated inputs, route by route ------------------------------------------------------------
t.test('POST /api/messages: generated bodies and headers', async (t) => {
  await property(
    t,
    'JSON bodies',
    fc.asyncProperty(
      messageBody,
      fc.option(headerValue.filter((s) => s.trim().length > 0)),
      async (body, key) => {
        const headers: Record<string, string> = key ? { 'idempotency-key': key } : {}
        await probe('messaging', 'POST', '/api/messages', { token: alice.accessToken, body, headers }, [
          JSON.stringify(body),
          key ?? '',
        ])
      },
    ),
  )
  await property(
    t,
    'raw bodies under several content types',
    fc.asyncProperty(
      rawBody,
      fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'multipart/form-data; boundary=x',
        'application/xml',
      ),
      async (body, contentType) => {
        await probe(
          'messaging',
          'POST',
          '/api/messages',
          {
            token: alice.accessToken,
            rawBody: body,
            headers: { 'content-type': contentType },
          },
          [typeof body === 'string' ? body : ''],
        )
      },
    ),
  )
})

t.test('GET /api/messages/:uuid and /api/message_groups: generated params and queries', async (t) => {
  await property(
    t,
    'message list params and queries',
    fc.asyncProperty(segment, query, async (param, q) => {
      const res = await probe(
        'messaging',
        'GET',
        `/api/messages/${param}${q}`,
        { token: alice.accessToken },
        [safeDecode(param), safeDecode(q)],
      )
      if (res.status === 200 && param !== ab && param !== ac)
        throw new Error(`alice read conversation ${param}`)
    }),
  )
  await property(
    t,
    'conversation list queries',
    fc.asyncProperty(query, async (q) => {
      await probe('messaging', 'GET', `/api/message_groups${q}`, { token: bob.accessToken }, [safeDecode(q)])
    }),
  )
})

t.test('POST /api/message_groups/:uuid/read: generated params and bodies', async (t) => {
  await property(
    t,
    'read position params and bodies',
    fc.asyncProperty(
      fc.oneof(segment, fc.constant(ab)),
      fc.oneof(
        anyJson,
        fc.record({ up_to: fc.oneof(fc.uuid(), anyText, anyJson), extra: anyJson }, { requiredKeys: [] }),
      ),
      async (param, body) => {
        const res = await probe(
          'messaging',
          'POST',
          `/api/message_groups/${param}/read`,
          { token: carol.accessToken, body },
          [safeDecode(param)],
        )
        // Carol is not in alice↔bob: never a read position there.
        if (res.status === 200 && param === ab)
          throw new Error('carol moved a read position in a conversation of others')
      },
    ),
  )
})

t.test('headers: generated Authorization, Content-Type and Idempotency-Key', async (t) => {
  await property(
    t,
    'any Authorization that is not a token of the pool is a 401',
    fc.asyncProperty(
      fc.oneof(
        headerValue,
        headerValue.map((v) => `Bearer ${v}`),
        headerValue.map((v) => `bearer ${v}`),
      ),
      fc.constantFrom('GET /api/message_groups', `GET /api/messages/${'{ab}'}`, 'POST /api/messages'),
      async (authorization, route) => {
        const [method, path] = route.replace('{ab}', ab).split(' ') as [string, string]
        const res = await probe(
          'messaging',
          method,
          path,
          {
            headers: { authorization },
            ...(method === 'POST' ? { body: { message_group_uuid: ab, message: 'hi' } } : {}),
          },
          [authorization],
        )
        if (res.status !== 401) throw new Error(`Authorization "${authorization}" got ${res.status}`)
      },
    ),
  )
  await property(
    t,
    'any headers alongside a valid token',
    fc.asyncProperty(hostileHeaders(4, 'x-forwarded-for', 'content-encoding'), async (headers) => {
      await probe(
        'messaging',
        'POST',
        '/api/messages',
        {
          token: alice.accessToken,
          rawBody: JSON.stringify({ message_group_uuid: ab, message: 'header fuzz' }),
          headers,
        },
        Object.values(headers),
      )
    }),
  )
})

t.test('user-service routes: generated params, bodies and queries', async (t) => {
  const internal = { 'x-internal-token': system.facts.internalToken }
  await property(
    t,
    'public profile by handle',
    fc.asyncProperty(segment, async (handle) => {
      await probe('users', 'GET', `/api/users/@${handle}/short`, {}, [safeDecode(handle)])
    }),
  )
  await property(
    t,
    'internal lookups by sub and by handle',
    fc.asyncProperty(segment, fc.constantFrom('by-sub', 'by-handle'), async (value, kind) => {
      await probe('users', 'GET', `/internal/users/${kind}/${value}`, { headers: internal }, [
        safeDecode(value),
      ])
    }),
  )
  await property(
    t,
    'internal batch bodies',
    fc.asyncProperty(
      fc.oneof(
        anyJson,
        fc.record({ uuids: fc.oneof(fc.array(fc.oneof(fc.uuid(), anyText), { maxLength: 120 }), anyJson) }),
      ),
      async (body) => {
        await probe('users', 'POST', '/internal/users/batch', { headers: internal, body }, [
          JSON.stringify(body),
        ])
      },
    ),
  )
  const event = {
    version: '1',
    region: system.facts.region,
    userPoolId: system.facts.cognito.userPoolId,
    userName: 'x',
    callerContext: { awsSdkVersion: 'x', clientId: system.facts.cognito.clientId },
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    response: {},
  }
  await property(
    t,
    'post-confirmation events',
    fc.asyncProperty(
      fc.oneof(
        anyJson,
        fc
          .record(
            {
              sub: fc.oneof(fc.uuid(), anyText),
              email: fc.oneof(fc.emailAddress(), anyText),
              name: anyText,
              preferred_username: fc.oneof(anyText, fc.constantFrom(alice.handle, bob.handle.toUpperCase())),
              'cognito:user_status': fc.constantFrom('CONFIRMED', 'UNCONFIRMED'),
            },
            { requiredKeys: [] },
          )
          .map((userAttributes) => ({ ...event, request: { userAttributes } })),
      ),
      async (body) => {
        const res = await probe(
          'users',
          'POST',
          '/internal/cognito/post-confirmation',
          { headers: internal, body },
          [JSON.stringify(body)],
        )
        const attrs = (
          body as { request?: { userAttributes?: { preferred_username?: unknown; sub?: unknown } } } | null
        )?.request?.userAttributes
        if (
          res.status === 200 &&
          typeof attrs?.preferred_username === 'string' &&
          [alice.handle, bob.handle].includes(attrs.preferred_username.toLowerCase()) &&
          attrs.sub !== alice.sub &&
          attrs.sub !== bob.sub
        )
          throw new Error(`a stranger took the handle ${attrs.preferred_username}`)
      },
    ),
  )
  await property(
    t,
    'sync query strings',
    fc.asyncProperty(query, async (q) => {
      await probe('users', 'POST', `/internal/cognito/sync${q}`, { headers: internal }, [safeDecode(q)])
    }),
    Math.min(RUNS, 30),
  )
  const still = await call<{ handle: string }>(
    system.facts.userService.url,
    'GET',
    `/api/users/@${alice.handle}/short`,
  )
  t.equal(still.json.handle, alice.handle, 'alice still owns her handle after the fuzzing')
})

t.test('every route in the OpenAPI description of each service', async (t) => {
  // Read from the services themselves, so a route added later is fuzzed without a change here.
  const routes: Array<{ service: Service; method: string; path: string }> = []
  // user-service keeps its internal routes out of the public description (issue 10 item 10) and
  // describes them, to holders of the token only, at /internal/docs/json.
  for (const [service, path] of [
    ['messaging', '/docs/json'],
    ['users', '/docs/json'],
    ['users', '/internal/docs/json'],
  ] as const) {
    const doc = await call<{ paths: Record<string, Record<string, unknown>> }>(
      base(service),
      'GET',
      path,
      path.startsWith('/internal')
        ? { headers: { 'x-internal-token': system.facts.internalToken } }
        : undefined,
    )
    t.equal(doc.status, 200, `${service}: ${path} answers`)
    for (const [path, ops] of Object.entries(doc.json?.paths ?? {}))
      for (const method of Object.keys(ops))
        if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
          routes.push({ service, method: method.toUpperCase(), path })
  }
  const paths = routes.map((r) => `${r.method} ${r.path}`)
  for (const needed of [
    'GET /api/message_groups',
    'GET /api/messages/{message_group_uuid}',
    'POST /api/messages',
    'POST /api/message_groups/{message_group_uuid}/typing',
    'POST /api/stream/ticket',
    'GET /api/stream',
    'GET /api/users/@{handle}/short',
    'POST /internal/users/batch',
    'POST /internal/cognito/post-confirmation',
  ])
    t.ok(paths.includes(needed), `described: ${needed}`)
  t.comment(`${routes.length} described routes: ${paths.join(', ')}`)
  await property(
    t,
    'generated params, queries, headers and bodies on every described route',
    fc.asyncProperty(
      fc.constantFrom(...routes),
      fc.array(segment, { minLength: 3, maxLength: 3 }),
      query,
      hostileHeaders(3),
      fc.option(fc.oneof(anyJson, messageBody)),
      fc.boolean(),
      async (route, values, q, headers, body, authorized) => {
        let i = 0
        const path = route.path.replace(/\{[^}]+\}/g, () => values[i++] ?? 'x') + q
        const auth: Record<string, string> = authorized
          ? route.service === 'messaging'
            ? { authorization: `Bearer ${alice.accessToken}` }
            : { 'x-internal-token': system.facts.internalToken }
          : {}
        await probe(
          route.service,
          route.method,
          path,
          {
            headers: { ...headers, ...auth },
            ...(body !== null && route.method !== 'GET' ? { body } : {}),
          },
          [...values.map(safeDecode), safeDecode(q), ...Object.values(headers), JSON.stringify(body)],
        )
      },
    ),
    RUNS * 2,
  )
})

t.test('any path on either service', async (t) => {
  await property(
    t,
    'generated paths and methods',
    fc.asyncProperty(
      fc.array(segment, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
      fc.constantFrom<Service>('messaging', 'users'),
      async (segments, method, service) => {
        const path = `/${segments.join('/')}`
        await probe(service, method, path, { token: alice.accessToken }, segments.map(safeDecode))
      },
    ),
  )
})

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

t.test('no token or password in any log line', async (t) => {
  assertNoSecretsLogged(t, system)
})

t.test('figures', async (t) => {
  const known5xx = [...knownHits.values()].reduce((n, h) => n + h.status5xx, 0)
  for (const [id, hit] of knownHits)
    t.comment(
      `KNOWN DEFECT (${KNOWN_DEFECTS.find((d) => d.id === id)?.owner}): ${id}: ${hit.count} inputs, e.g. ${hit.example}`,
    )
  t.equal(
    figures.hostile5xx - known5xx,
    0,
    `${figures.hostileInputs} hostile inputs, ${figures.hostile5xx} answered 5xx, all of them known defects (${known5xx})`,
  )
  reportFigures(t, 'hostile', startedAt)
})
