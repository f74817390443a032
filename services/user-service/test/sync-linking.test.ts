/**
 * Issue 10 item 1: the sync attaches a Cognito identity to an existing, unlinked directory row only
 * when the Cognito user is CONFIRMED, enabled, has a verified e-mail and that e-mail is the row's.
 * Everything else leaves the row alone and is reported by name.
 */
import {
  AdminConfirmSignUpCommand,
  AdminDisableUserCommand,
  CreateUserPoolClientCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { cognitoUserPages, syncCognitoUsers } from '../src/directory/index.js'
import { formatSyncReport } from '../tools/cli/commands.js'
import { addCognitoUser, sqlClient, testDatabase, testPool } from './helper.js'

/** A pool (with an app client, for public SignUp) and a database holding one unlinked row. */
async function fixture(t: Test) {
  const { client, userPoolId } = await testPool(t)
  const app = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: 'web' }),
  )
  const clientId = app.UserPoolClient?.ClientId as string
  const db = await testDatabase(t)
  const sql = sqlClient(t, db.url)
  await sql`insert into users (display_name, handle, email) values ('Legacy Victim', 'legacyuser', 'legacy@victim.example')`
  const store = sql
  const sync = () => syncCognitoUsers({ sql: store, pages: cognitoUserPages(client, userPoolId) })
  const row = async () => {
    const [r] = await sql<{ handle: string; cognito_user_id: string | null }[]>`
      select handle, cognito_user_id from users where lower(handle) = 'legacyuser'`
    return r
  }
  /** Public SignUp, as anybody on the internet can call it: no credentials. */
  const signUp = (username: string, email: string) =>
    client.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: 'Attacker-Passw0rd!',
        UserAttributes: [
          { Name: 'preferred_username', Value: 'LegacyUser' },
          { Name: 'email', Value: email },
          { Name: 'name', Value: 'Not The Victim' },
        ],
      }),
    )
  const add = (attributes: Record<string, string>, confirmed: boolean) =>
    addCognitoUser(
      client,
      userPoolId,
      'claimant',
      { preferred_username: 'LegacyUser', name: 'Claimant', ...attributes },
      { confirmed },
    )
  return { client, userPoolId, sql, sync, row, signUp, add }
}

const conflictsOf = (report: { conflictDetails: { kind: string; username: string }[] }) =>
  report.conflictDetails.map((c) => `${c.kind}:${c.username}`)

t.test(
  "the reviewer's takeover: a self-signed-up, UNCONFIRMED user with the row's handle and another e-mail is not linked",
  async (t) => {
    const f = await fixture(t)
    const signedUp = await f.signUp('attacker', 'attacker@evil.example')
    t.equal(signedUp.UserConfirmed, false)
    const report = await f.sync()
    t.match(report, { updated: 0, created: 0, conflicts: 1 })
    t.same(conflictsOf(report), ['email_mismatch:attacker'])
    t.same(await f.row(), { handle: 'legacyuser', cognito_user_id: null }, 'the row is untouched')
    t.match(
      formatSyncReport(report).join('\n'),
      /conflict email_mismatch: Cognito user "attacker" \(@LegacyUser\): @legacyuser has no Cognito account yet, but the Cognito user's e-mail is not the row's e-mail: not linked/,
      'the CLI prints the conflict by name',
    )
    // Confirming their own e-mail changes nothing: it is still not the row's e-mail.
    await f.client.send(new AdminConfirmSignUpCommand({ UserPoolId: f.userPoolId, Username: 'attacker' }))
    const again = await f.sync()
    t.same(conflictsOf(again), ['email_mismatch:attacker'])
    t.same(await f.row(), { handle: 'legacyuser', cognito_user_id: null })
  },
)

t.test(
  "an UNCONFIRMED sign-up with the row's own e-mail (not yet proven) is unverified, not linked",
  async (t) => {
    const f = await fixture(t)
    await f.signUp('squatter', 'LEGACY@victim.example')
    const report = await f.sync()
    t.same(conflictsOf(report), ['unverified:squatter'])
    t.match(report.conflictDetails[0]?.detail, /UNCONFIRMED, not CONFIRMED/)
    t.same(await f.row(), { handle: 'legacyuser', cognito_user_id: null })
  },
)

t.test('a CONFIRMED, verified user with another e-mail: email_mismatch', async (t) => {
  const f = await fixture(t)
  await f.add({ email: 'someone@else.example' }, true)
  const report = await f.sync()
  t.same(conflictsOf(report), ['email_mismatch:claimant'])
  t.match(report, { updated: 0, created: 0 })
  t.same(await f.row(), { handle: 'legacyuser', cognito_user_id: null })
})

t.test('a disabled user with the right, verified e-mail: disabled', async (t) => {
  const f = await fixture(t)
  await f.add({ email: 'legacy@victim.example' }, true)
  await f.client.send(new AdminDisableUserCommand({ UserPoolId: f.userPoolId, Username: 'claimant' }))
  const report = await f.sync()
  t.same(conflictsOf(report), ['disabled:claimant'])
  t.match(formatSyncReport(report).join('\n'), /conflict disabled: Cognito user "claimant"/)
  t.same(await f.row(), { handle: 'legacyuser', cognito_user_id: null })
})

t.test('email_verified = false (or absent): unverified', async (t) => {
  const f = await fixture(t)
  // CONFIRMED (permanent password) with the right e-mail, but nobody ever verified it.
  await f.add({ email: 'legacy@victim.example', email_verified: 'false' }, true)
  const report = await f.sync()
  t.same(conflictsOf(report), ['unverified:claimant'])
  t.match(report.conflictDetails[0]?.detail, /e-mail is not verified/)
  t.same(await f.row(), { handle: 'legacyuser', cognito_user_id: null })
})

t.test(
  'the good case still links: CONFIRMED, enabled, verified, the same e-mail in other letters',
  async (t) => {
    const f = await fixture(t)
    const sub = await f.add({ email: 'Legacy@Victim.Example' }, true)
    const report = await f.sync()
    t.match(report, { updated: 1, created: 0, conflicts: 0 })
    t.same(await f.row(), { handle: 'LegacyUser', cognito_user_id: sub }, "linked, in Cognito's spelling")
  },
)
