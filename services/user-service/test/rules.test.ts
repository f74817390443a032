/**
 * Issue 10 item 7: the handle and display-name rules (docs/api.md) wherever a user enters
 * the directory (post-confirmation, the sync, the seed); stored rows that break them are reported,
 * not changed; CLI output escapes control characters.
 */
import { testStack } from '@cruddur/local-stack/testing'
import t from 'tap'
import { cognitoUserPages, syncCognitoUsers } from '../src/directory/index.js'
import { escapeControl, isValidDisplayName, isValidHandle } from '../src/directory/rules.js'
import { type CliIo, runCli } from '../tools/cli/commands.js'
import { seed } from '../tools/seed.js'
import { addCognitoUser, build, sqlClient, testDatabase, testPool } from './helper.js'

const facts = testStack()

/** What the security review sent, and a few more of the kind. */
const BAD_HANDLES = [
  'evil\nhandle',
  'admin\u202e',
  '\u0007bell',
  'lond\u043e', // a Cyrillic о: looks like londo
  '<b>bold</b>',
  'with space',
  'x'.repeat(33),
  'zero\u200bwidth',
]
const BAD_NAMES = ['Evil\nName', 'Admin \u202eevil', '\u0007Bell', 'Line\u2028Break', 'x'.repeat(101), '   ']

t.test('the rules themselves', async (t) => {
  for (const h of ['andrewbrown', 'Bayko', 'user_1', 'x'.repeat(32), '_']) t.ok(isValidHandle(h), h)
  for (const h of [...BAD_HANDLES, '']) t.notOk(isValidHandle(h), escapeControl(h))
  for (const n of ['Andrew Brown', 'Zoë Ångström', '李小龍', '🎉'.repeat(100), 'x'.repeat(100)])
    t.ok(isValidDisplayName(n), n.slice(0, 20))
  for (const n of [...BAD_NAMES, '', '🎉'.repeat(101)]) t.notOk(isValidDisplayName(n), escapeControl(n))
  t.equal(escapeControl('a\nb\u0007c\u202ed'), 'a\\u000ab\\u0007c\\u202ed')
  t.equal(escapeControl('Zoë 🎉'), 'Zoë 🎉', 'printable text is left alone')
  t.same(JSON.parse(`"${escapeControl('\u202e\u{e0001}')}"`), '\u202e\u{e0001}', 'JSON-compatible escapes')
})

t.test(
  'post-confirmation refuses a handle or display name that breaks the rules (400), storing nothing',
  async (t) => {
    const app = await build(t)
    const post = (attributes: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/internal/cognito/post-confirmation',
        headers: { 'x-internal-token': facts.internalToken },
        payload: {
          userName: 'someone',
          triggerSource: 'PostConfirmation_ConfirmSignUp',
          request: {
            userAttributes: {
              sub: 'sub-someone',
              email: 'someone@example.com',
              email_verified: 'true',
              'cognito:user_status': 'CONFIRMED',
              name: 'Some One',
              preferred_username: 'someone',
              ...attributes,
            },
          },
        },
      })
    for (const handle of BAD_HANDLES) {
      const res = await post({ preferred_username: handle })
      t.equal(res.statusCode, 400, escapeControl(handle))
      t.same(res.json().errors, ['invalid_handle'], escapeControl(handle))
    }
    for (const name of BAD_NAMES.filter((n) => n.trim() && [...n].length <= 100)) {
      const res = await post({ name })
      t.equal(res.statusCode, 400, escapeControl(name))
      t.same(res.json().errors, ['invalid_display_name'], escapeControl(name))
    }
    const [row] = await app.sql`select count(*)::int as n from users`
    t.equal(row?.n, 0, 'nothing was stored')
    t.equal((await post({})).statusCode, 200, 'a good one still goes in')
  },
)

t.test('the sync reports invalid_handle / invalid_display_name and inserts none of them', async (t) => {
  const { client, userPoolId } = await testPool(t)
  const db = await testDatabase(t)
  const sql = sqlClient(t, db.url)
  for (const [i, handle] of BAD_HANDLES.entries())
    await addCognitoUser(client, userPoolId, `badhandle${i}`, {
      preferred_username: handle,
      name: 'Bad Handle',
      email: `badhandle${i}@example.com`,
    })
  await addCognitoUser(client, userPoolId, 'badname', {
    preferred_username: 'badname',
    name: 'Admin \u202eevil',
    email: 'badname@example.com',
  })
  await addCognitoUser(client, userPoolId, 'good', {
    preferred_username: 'good',
    name: 'Good',
    email: 'g@example.com',
  })
  const report = await syncCognitoUsers({
    sql,
    pages: cognitoUserPages(client, userPoolId),
  })
  t.match(report, { created: 1, conflicts: BAD_HANDLES.length + 1 })
  t.same(
    report.conflictDetails.map((c) => `${c.kind}:${c.username}`).sort(),
    [...BAD_HANDLES.map((_, i) => `invalid_handle:badhandle${i}`), 'invalid_display_name:badname'].sort(),
  )
  t.same([...(await sql`select handle from users`)], [{ handle: 'good' }])
})

t.test('the seed rejects a user that breaks the rules', async (t) => {
  const db = await testDatabase(t)
  const sql = sqlClient(t, db.url)
  const result = await seed(sql, [
    { handle: 'evil\nhandle', display_name: 'Evil', email: 'evil@example.com', cognito_user_id: null },
    { handle: 'fine', display_name: 'Bad\u202eName', email: 'fine@example.com', cognito_user_id: null },
    { handle: 'ok', display_name: 'OK', email: 'ok@example.com', cognito_user_id: null },
  ])
  t.same(result, {
    inserted: ['ok'],
    present: [],
    rejected: [
      { handle: 'evil\nhandle', rule: 'invalid_handle' },
      { handle: 'fine', rule: 'invalid_display_name' },
    ],
  })
  t.same([...(await sql`select handle from users`)], [{ handle: 'ok' }])
})

t.test(
  'stored rows that break the rules are reported by db:check, escaped, and left as they are',
  async (t) => {
    const db = await testDatabase(t)
    const sql = sqlClient(t, db.url)
    await seed(sql)
    await sql`insert into users (display_name, handle, email) values
    ('Forged', ${'evil\nhandle'}, 'a@example.com'),
    (${'\u0007Bell'}, 'bell', 'b@example.com'),
    ('Admin', ${'admin\u202e'}, 'c@example.com')`
    const before = [...(await sql`select * from users order by handle`)]
    const out: string[] = []
    const io: CliIo = { env: { DATABASE_URL: db.url }, out: (l) => out.push(l), err: (l) => out.push(l) }
    t.equal(await runCli(['db:check'], io), 0)
    t.same(out.length, 4, out.join('|'))
    const text = out.join('\n')
    t.match(text, /invalid_handle: @evil\\u000ahandle \(/)
    t.match(text, /invalid_handle: @admin\\u202e \(/)
    t.match(text, /invalid_display_name: @bell \(.*display name "\\u0007Bell" \(kept\)/)
    t.match(text, /6 user\(s\) checked, 3 break the handle or display-name rules$/)
    t.notOk(
      out.some((l) => /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(l)),
      'no raw control, bidi or separator character printed',
    )
    t.notOk(
      out.some((l) => l.includes('\n')),
      'no line forged',
    )
    t.same([...(await sql`select * from users order by handle`)], before, 'nothing changed')
  },
)

t.test('cognito:sync output escapes the handles it prints', async (t) => {
  const { client, userPoolId } = await testPool(t)
  const db = await testDatabase(t)
  await addCognitoUser(client, userPoolId, 'forger', {
    preferred_username: 'x\nconflict none: all good\u0007',
    name: 'Forger',
    email: 'forger@example.com',
  })
  const out: string[] = []
  const env = {
    DATABASE_URL: db.url,
    AWS_REGION: facts.region,
    COGNITO_ENDPOINT: facts.cognito.endpoint,
    COGNITO_USER_POOL_ID: userPoolId,
  }
  t.equal(await runCli(['cognito:sync'], { env, out: (l) => out.push(l), err: (l) => out.push(l) }), 0)
  t.notOk(
    out.some((l) => l.includes('\n') || l.includes('\u0007')),
    out.join('|'),
  )
  t.match(
    out.join('\n'),
    /conflict invalid_handle: Cognito user "forger" \(@x\\u000aconflict none: all good\\u0007\)/,
  )
  const json: string[] = []
  await runCli(['cognito:sync', '--json'], { env, out: (l) => json.push(l), err: (l) => json.push(l) })
  t.equal(
    JSON.parse(json.join('\n')).conflictDetails[0].handle,
    'x\nconflict none: all good\u0007',
    '--json stays valid JSON',
  )
})
