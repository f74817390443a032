import {
  AdminDeleteUserCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { testStack } from '@cruddur/local-stack/testing'
import t, { type Test } from 'tap'
import { cognitoUserPages, syncCognitoUsers } from '../src/directory/index.js'
import { seed } from '../tools/seed.js'
import { addCognitoUser, buildWithEnv, sqlClient, testEnv, testPool } from './helper.js'

const facts = testStack()

/** A pool and a migrated database of this test's own, and a sync function over both. */
async function fixture(t: Test) {
  const { client, userPoolId } = await testPool(t)
  const { db } = await testEnv(t)
  const sql = sqlClient(t, db.url)
  const store = sql
  const sync = (dryRun = false) =>
    syncCognitoUsers({ sql: store, pages: cognitoUserPages(client, userPoolId), dryRun })
  const rows = async () => [
    ...(await sql<{ handle: string; email: string; display_name: string; cognito_user_id: string | null }[]>`
      select handle, email, display_name, cognito_user_id from users order by lower(handle)`),
  ]
  const add = (username: string, attributes: Record<string, string>, confirmed = false) =>
    addCognitoUser(client, userPoolId, username, attributes, { confirmed })
  return { client, userPoolId, db, sql, sync, rows, add }
}

const person = (handle: string, extra: Record<string, string> = {}) => ({
  preferred_username: handle,
  name: `Name of ${handle}`,
  email: `${handle}@example.com`,
  ...extra,
})

t.test(
  'first run links the seeded users and creates the Cognito-only ones; a re-run is all unchanged',
  async (t) => {
    const f = await fixture(t)
    await seed(f.sql)
    const subBayko = await f.add('bayko', person('Bayko', { email: 'bayko@exampro.co' }), true)
    const subLondo = await f.add('londo', person('londo', { email: 'lmollari@centari.com' }), true)
    const subNew = await f.add('newcomer', person('newcomer'))

    const first = await f.sync()
    t.match(first, {
      dryRun: false,
      pages: 1,
      cognitoUsers: 3,
      created: 1,
      updated: 2,
      unchanged: 0,
      orphaned: 0,
      conflicts: 0,
      sqlStatements: 3,
    })
    t.same(await f.rows(), [
      {
        handle: 'andrewbrown',
        email: 'andrew@exampro.co',
        display_name: 'Andrew Brown',
        cognito_user_id: null,
      },
      { handle: 'Bayko', email: 'bayko@exampro.co', display_name: 'Andrew Bayko', cognito_user_id: subBayko },
      {
        handle: 'londo',
        email: 'lmollari@centari.com',
        display_name: 'Londo Mollari',
        cognito_user_id: subLondo,
      },
      {
        handle: 'newcomer',
        email: 'newcomer@example.com',
        display_name: 'Name of newcomer',
        cognito_user_id: subNew,
      },
    ])

    const before = await f.rows()
    const second = await f.sync()
    t.match(second, { created: 0, updated: 0, unchanged: 3, orphaned: 0, conflicts: 0, sqlStatements: 2 })
    t.same(await f.rows(), before, 'idempotent')
  },
)

t.test('a new Cognito user, a renamed handle and an orphan', async (t) => {
  const f = await fixture(t)
  const subA = await f.add('alice', person('alice'))
  const subB = await f.add('bob', person('bob'))
  await f.sync()

  await f.add('carol', person('carol'))
  await f.client.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: f.userPoolId,
      Username: 'alice',
      UserAttributes: [{ Name: 'preferred_username', Value: 'alice2' }],
    }),
  )
  await f.client.send(new AdminDeleteUserCommand({ UserPoolId: f.userPoolId, Username: 'bob' }))

  const report = await f.sync()
  t.match(report, { created: 1, updated: 1, unchanged: 0, orphaned: 1, conflicts: 0 })
  t.same(report.orphans, [{ handle: 'bob', cognito_user_id: subB }])
  const rows = await f.rows()
  t.same(
    rows.map((r) => r.handle),
    ['alice2', 'bob', 'carol'],
    'renamed in place, the orphan kept (reported, not deleted)',
  )
  t.equal(rows[0]?.cognito_user_id, subA)
  t.match(await f.sync(), { created: 0, updated: 0, unchanged: 2, orphaned: 1 }, 'and the next run is quiet')
})

t.test('each conflict kind is reported by name, and never applied', async (t) => {
  const f = await fixture(t)
  await seed(f.sql)
  // londo in Postgres is linked to a sub that another Cognito user "londo2" does not have
  await f.sql`update users set cognito_user_id = 'sub-of-the-real-londo' where handle = 'londo'`
  await f.add('first', person('twin'))
  await f.add('second', person('TWIN', { email: 'second@example.com' }))
  await f.add('mailthief', person('mailthief', { email: 'Andrew@ExamPro.co' }))
  await f.add('anonymous', { name: 'No Handle', email: 'anon@example.com' })
  await f.add('londo2', person('londo'))
  await f.add('nomail', { preferred_username: 'nomail', name: 'No Mail' })
  const subRenamer = await f.add('renamer', person('renamer'))
  await f.sync()
  // renamer wants the handle of andrewbrown (unlinked row): a rename onto a taken handle
  await f.client.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: f.userPoolId,
      Username: 'renamer',
      UserAttributes: [{ Name: 'preferred_username', Value: 'andrewbrown' }],
    }),
  )
  const before = await f.rows()
  const report = await f.sync()
  const kinds = report.conflictDetails.map((c) => `${c.kind}:${c.username}`).sort()
  t.same(kinds, [
    'duplicate_handle:londo2',
    'duplicate_handle:renamer',
    'duplicate_handle:second',
    'email_taken:mailthief',
    'missing_email:nomail',
    'missing_preferred_username:anonymous',
  ])
  t.equal(report.conflicts, 6)
  t.match(report, { created: 0, updated: 0, unchanged: 1 })
  t.same(await f.rows(), before, 'nothing changed')
  const renamer = before.find((r) => r.cognito_user_id === subRenamer)
  t.equal(renamer?.handle, 'renamer')
  t.match(report.conflictDetails.find((c) => c.username === 'mailthief')?.detail, /@andrewbrown/)
})

t.test('--dry-run reports what would change and writes nothing', async (t) => {
  const f = await fixture(t)
  await seed(f.sql)
  await f.add('bayko', person('bayko', { email: 'bayko@exampro.co' }), true)
  await f.add('dry', person('dry'))
  const before = await f.rows()
  const report = await f.sync(true)
  t.match(report, { dryRun: true, created: 1, updated: 1, unchanged: 0, sqlStatements: 2 })
  t.same(await f.rows(), before)
  t.match(await f.sync(false), { created: 1, updated: 1 }, 'the real run does what the dry run said')
})

t.test('POST /internal/cognito/sync runs it over HTTP (dry_run too)', async (t) => {
  const { client, userPoolId } = await testPool(t)
  const { env } = await testEnv(t, { COGNITO_USER_POOL_ID: userPoolId })
  const app = await buildWithEnv(t, env)
  await seed(app.sql)
  await addCognitoUser(client, userPoolId, 'londo', person('londo', { email: 'lmollari@centari.com' }), {
    confirmed: true,
  })
  const headers = { 'x-internal-token': facts.internalToken }
  const dry = await app.inject({ method: 'POST', url: '/internal/cognito/sync?dry_run=true', headers })
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { dryRun: true, updated: 1, cognitoUsers: 1 })
  const real = await app.inject({ method: 'POST', url: '/internal/cognito/sync', headers })
  t.match(real.json(), { dryRun: false, updated: 1, created: 0 })
  const [row] = await app.sql`select cognito_user_id from users where handle = 'londo'`
  t.match(row?.cognito_user_id, /^[0-9a-f-]{36}$/)
  const bad = await app.inject({ method: 'POST', url: '/internal/cognito/sync?dry_run=maybe', headers })
  t.equal(bad.statusCode, 400)
  t.same(bad.json().errors, ['invalid_dry_run'])
})

t.test('an unreachable Cognito is a 503 on the sync route', async (t) => {
  const { env } = await testEnv(t, { COGNITO_ENDPOINT: 'http://127.0.0.1:9' })
  const app = await buildWithEnv(t, env)
  const res = await app.inject({
    method: 'POST',
    url: '/internal/cognito/sync',
    headers: { 'x-internal-token': facts.internalToken },
  })
  t.equal(res.statusCode, 503)
  t.same(res.json().errors, ['dependency_unavailable'])
})
