import { readFile } from 'node:fs/promises'
import { repoRoot } from '@cruddur/local-stack'
import { testStack } from '@cruddur/local-stack/testing'
import t from 'tap'
import { seed } from '../tools/seed.js'
import { assertErrors, build, postGarbledJson } from './helper.js'

const facts = testStack()
const headers = { 'x-internal-token': facts.internalToken }
const fixture = JSON.parse(
  await readFile(`${repoRoot()}/fixtures/cognito-post-confirmation-event.json`, 'utf8'),
) as Record<string, unknown> & { request: { userAttributes: Record<string, string> } }

function event(attributes: Record<string, string> = {}) {
  const copy = structuredClone(fixture)
  Object.assign(copy.request.userAttributes, attributes)
  return copy
}

const post = (app: Awaited<ReturnType<typeof build>>, payload: unknown) =>
  app.inject({
    method: 'POST',
    url: '/internal/cognito/post-confirmation',
    headers,
    payload: payload as object,
  })

t.test('a new confirmed user is inserted, and the event comes back unchanged', async (t) => {
  const app = await build(t)
  const sent = event({
    preferred_username: 'newbie',
    email: 'newbie@example.com',
    name: 'New Bie',
    sub: 'sub-newbie',
  })
  const res = await post(app, sent)
  t.equal(res.statusCode, 200)
  t.same(res.json(), sent, 'the whole event, extra attributes (cognito:user_status) included')
  const rows = await app.sql`select display_name, handle, email, cognito_user_id from users`
  t.same(
    [...rows],
    [
      {
        display_name: 'New Bie',
        handle: 'newbie',
        email: 'newbie@example.com',
        cognito_user_id: 'sub-newbie',
      },
    ],
  )
})

t.test('a repeat is fine (200) and changes nothing', async (t) => {
  const app = await build(t)
  const sent = event({ preferred_username: 'again', email: 'again@example.com', sub: 'sub-again' })
  t.equal((await post(app, sent)).statusCode, 200)
  const [before] = await app.sql`select uuid, created_at from users`
  const again = await post(
    app,
    event({ preferred_username: 'AGAIN', email: 'again@example.com', sub: 'sub-again' }),
  )
  t.equal(again.statusCode, 200, 'even with another spelling of the handle')
  const rows = await app.sql`select uuid, created_at from users`
  t.same([...rows], [before])
})

t.test(
  'the fixture confirms the seeded bayko: the unlinked row with that handle and email gets linked',
  async (t) => {
    const app = await build(t)
    await seed(app.sql)
    const res = await post(app, fixture)
    t.equal(res.statusCode, 200)
    const [row] = await app.sql`select cognito_user_id from users where handle = 'bayko'`
    t.equal(row?.cognito_user_id, fixture.request.userAttributes.sub)
    t.equal((await post(app, fixture)).statusCode, 200, 'and a repeat is fine')
  },
)

t.test('a handle, email or sub that belongs to somebody else is a 409, and nothing changes', async (t) => {
  const app = await build(t)
  await seed(app.sql)
  await app.sql`update users set cognito_user_id = 'sub-londo' where handle = 'londo'`
  const snapshot = async () => [...(await app.sql`select * from users order by handle`)]
  const before = await snapshot()
  const cases = [
    // londo's handle, linked to another sub
    [{ preferred_username: 'Londo', email: 'other@example.com', sub: 'sub-x1' }, 'handle_taken'],
    // bayko's handle, unlinked, but another email: not the same person
    [{ preferred_username: 'bayko', email: 'impostor@example.com', sub: 'sub-x2' }, 'handle_taken'],
    // a new handle with andrewbrown's email
    [{ preferred_username: 'fresh', email: 'ANDREW@exampro.co', sub: 'sub-x3' }, 'email_taken'],
    // londo's sub under another handle
    [{ preferred_username: 'renamed', email: 'renamed@example.com', sub: 'sub-londo' }, 'sub_taken'],
  ] as const
  for (const [attributes, code] of cases) {
    const res = await post(app, event(attributes))
    t.equal(res.statusCode, 409, JSON.stringify(attributes))
    t.match(res.json(), { statusCode: 409, error: 'Conflict', errors: [code] })
  }
  t.same(await snapshot(), before)
})

t.test('a malformed event is a 400 naming the field, never a 500', async (t) => {
  const app = await build(t)
  const noSub = event()
  delete (noSub.request.userAttributes as Record<string, string | undefined>).sub
  const cases: [unknown, string][] = [
    [noSub, 'invalid_sub'],
    [{ ...fixture, request: {} }, 'invalid_userattributes'],
    [{ ...fixture, triggerSource: undefined }, 'invalid_triggersource'],
    [{ ...fixture, triggerSource: 'PreSignUp_SignUp' }, 'invalid_trigger_source'],
    [event({ preferred_username: '   ' }), 'invalid_preferred_username'],
    [event({ name: ' ' }), 'invalid_name'],
    [event({ email: 'not an email' }), 'invalid_email'],
    [event({ preferred_username: 'x'.repeat(65) }), 'invalid_request'],
    [[1, 2], 'invalid_request'],
  ]
  for (const [payload, code] of cases) {
    const res = await post(app, payload)
    t.equal(res.statusCode, 400, code)
    t.match(res.json().errors, [code.startsWith('invalid_request') ? /^invalid_/ : code], code)
  }
  const garbled = await postGarbledJson(app, '/internal/cognito/post-confirmation', headers, '{"request":')
  assertErrors(t, garbled, 400, ['invalid_json'])
  const [row] = await app.sql`select count(*)::int as n from users`
  t.equal(row?.n, 0)
})

t.test(
  'the Lambda adapter forwards the event and returns the echo; a conflict fails the trigger',
  async (t) => {
    const { createPostConfirmationHandler } = await import('../src/lambda/post-confirmation.js')
    const app = await build(t)
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const handler = createPostConfirmationHandler({
      USER_SERVICE_URL: address,
      INTERNAL_TOKEN: facts.internalToken,
    })
    const sent = event({ preferred_username: 'viaLambda', email: 'lambda@example.com', sub: 'sub-lambda' })
    t.same(await handler(sent as never), sent)
    const [row] = await app.sql`select handle from users where cognito_user_id = 'sub-lambda'`
    t.equal(row?.handle, 'viaLambda')
    await t.rejects(
      handler(event({ preferred_username: 'VIALAMBDA', email: 'x@example.com', sub: 'sub-other' }) as never),
      /user-service answered 409: .*handle_taken/,
    )
    const wrongToken = createPostConfirmationHandler({ USER_SERVICE_URL: address, INTERNAL_TOKEN: 'nope' })
    await t.rejects(wrongToken(sent as never), /answered 401/)
    t.throws(() => createPostConfirmationHandler({}), /USER_SERVICE_URL and INTERNAL_TOKEN/)
  },
)

t.test(
  "issue 10 item 1: an unlinked row is linked only to a CONFIRMED user whose verified e-mail is the row's",
  async (t) => {
    const app = await build(t)
    await seed(app.sql)
    const bayko = async () => {
      const [row] = await app.sql`select handle, cognito_user_id from users where handle = 'bayko'`
      return row
    }
    const cases = [
      // the right e-mail, but Cognito never verified it (AdminConfirmSignUp does not)
      [{ email_verified: 'false' }, 'unverified'],
      [{ email_verified: '' }, 'unverified'],
      // the right, verified e-mail, but the account is not confirmed
      [{ 'cognito:user_status': 'UNCONFIRMED' }, 'unverified'],
      [{ 'cognito:user_status': 'FORCE_CHANGE_PASSWORD' }, 'unverified'],
      // another e-mail
      [{ email: 'impostor@example.com' }, 'email_mismatch'],
    ] as const
    for (const [attributes, reason] of cases) {
      const res = await post(app, event({ sub: 'sub-claimant', ...attributes }))
      t.equal(res.statusCode, 409, JSON.stringify(attributes))
      t.same(res.json().errors, ['handle_taken', reason], JSON.stringify(attributes))
      t.same(await bayko(), { handle: 'bayko', cognito_user_id: null }, 'the row is untouched')
    }
    const absent = event({ sub: 'sub-claimant' })
    delete (absent.request.userAttributes as Record<string, string | undefined>).email_verified
    t.same((await post(app, absent)).json().errors, ['handle_taken', 'unverified'], 'email_verified absent')
    t.equal((await post(app, fixture)).statusCode, 200, 'the fixture (CONFIRMED, verified) links')
    t.same(await bayko(), { handle: 'bayko', cognito_user_id: fixture.request.userAttributes.sub })
  },
)
