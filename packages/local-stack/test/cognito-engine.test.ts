import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import t, { type Test } from 'tap'
import { localCognitoClient, randomPoolId, startCognito } from '../src/cognito.js'
import { demoSignInName, demoToken, formatLifetime } from '../src/demo-token.js'
import { freePort } from '../src/ports.js'
import { testStack } from '../src/testing.js'
import { cognitoAllowedOrigin } from './lib/cors.js'

const region = 'us-east-1'

async function engine(t: Test, dataDir: string, userPoolId: string) {
  const cognito = await startCognito({ port: await freePort(), dataDir, region, userPoolId })
  t.teardown(() => cognito.stop())
  const client = localCognitoClient(cognito.endpoint, region)
  t.teardown(() => client.destroy())
  return { cognito, client }
}

const signIn = (client: ReturnType<typeof localCognitoClient>, clientId: string, username: string) =>
  client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD: 'Pw-test-1!aA' },
    }),
  )

t.test('the local pool signs people in with their e-mail, as the real one does', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cognito-engine-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const userPoolId = randomPoolId(region)
  const { cognito, client } = await engine(t, dir, userPoolId)
  await t.rejects(
    client.send(
      new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: 'gkar', MessageAction: 'SUPPRESS' }),
    ),
    /Username should be an email/,
    'a handle is not a username',
  )
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: 'gkar@narn.example',
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'preferred_username', Value: 'gkar' }],
    }),
  )
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: 'gkar@narn.example',
      Password: 'Pw-test-1!aA',
      Permanent: true,
    }),
  )
  const out = await signIn(client, cognito.clientId, 'gkar@narn.example')
  t.ok(out.AuthenticationResult?.AccessToken, 'signed in with the e-mail')
  const facts = {
    ...testStack(),
    cognito: { ...testStack().cognito, endpoint: cognito.endpoint, clientId: cognito.clientId },
    demoPassword: 'Pw-test-1!aA',
    demoUsers: ['gkar'],
    demoEmails: { gkar: 'gkar@narn.example' },
  }
  const token = await demoToken(facts, '@gkar')
  const claims = JSON.parse(Buffer.from(token.accessToken.split('.')[1] ?? '', 'base64url').toString())
  t.equal(token.expiresAt.getTime(), claims.exp * 1000, 'expiry read from the token')
  t.equal(formatLifetime(token.expiresAt.getTime() - Date.now() + 30_000), '24 h', 'what the banner says')
})

t.test(
  'ListUsers pages as Cognito does: at most Limit (1-60) users, a token while more remain',
  async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cognito-engine-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const userPoolId = randomPoolId(region)
    const { client } = await engine(t, dir, userPoolId)
    const emails = ['a', 'b', 'c', 'd', 'e'].map((n) => `${n}@pages.example`)
    for (const email of emails)
      await client.send(
        new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: email, MessageAction: 'SUPPRESS' }),
      )
    const list = (input: { Limit?: number; PaginationToken?: string }) =>
      client.send(new ListUsersCommand({ UserPoolId: userPoolId, ...input }))
    const seen: string[] = []
    const sizes: number[] = []
    let token: string | undefined
    do {
      const page = await list({ Limit: 2, PaginationToken: token })
      sizes.push(page.Users?.length ?? 0)
      for (const user of page.Users ?? [])
        seen.push(user.Attributes?.find((a) => a.Name === 'email')?.Value ?? '')
      token = page.PaginationToken
    } while (token)
    t.same(sizes, [2, 2, 1], 'three pages of at most 2')
    t.same([...seen].sort(), emails, 'every user once')
    const all = await list({})
    t.equal(all.Users?.length, 5, 'no Limit: up to 60 in one page')
    t.notOk(all.PaginationToken, 'and no token when nothing remains')
    for (const Limit of [0, 61])
      await t.rejects(list({ Limit }), { name: 'InvalidParameterException' }, `Limit ${Limit} is refused`)
    for (const PaginationToken of ['x', 'not a token', Buffer.from('-1').toString('base64url')])
      await t.rejects(
        list({ PaginationToken }),
        { name: 'InvalidParameterException' },
        `token ${JSON.stringify(PaginationToken)} is refused`,
      )
  },
)

t.test(
  'a pool kept from a handle sign-in stack is switched to e-mail; its users still sign in',
  async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cognito-engine-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const userPoolId = randomPoolId(region)
    const poolFile = path.join(dir, '.cognito', 'db', `${userPoolId}.json`)
    {
      const first = await engine(t, dir, userPoolId)
      await first.client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: 'vir@centauri.example',
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'preferred_username', Value: 'vir' }],
        }),
      )
      await first.client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: userPoolId,
          Username: 'vir@centauri.example',
          Password: 'Pw-test-1!aA',
          Permanent: true,
        }),
      )
      await first.cognito.stop()
      // Rewrite it as an older stack left it: no username attributes, the user named by handle.
      const stored = JSON.parse(await readFile(poolFile, 'utf8'))
      const [user] = Object.values(stored.Users) as Record<string, unknown>[]
      stored.Users = { vir: { ...user, Username: 'vir' } }
      stored.Options = { ...(stored.Options ?? {}), Id: userPoolId, UsernameAttributes: [] }
      await writeFile(poolFile, JSON.stringify(stored))
    }
    const again = await engine(t, dir, userPoolId)
    t.same(JSON.parse(await readFile(poolFile, 'utf8')).Options.UsernameAttributes, ['email'])
    const out = await signIn(again.client, again.cognito.clientId, 'vir@centauri.example')
    t.ok(out.AuthenticationResult?.AccessToken, 'the handle-named user signs in with the e-mail')
  },
)

t.test('demo-token takes a handle (with or without @) or an e-mail', async (t) => {
  const facts = testStack()
  t.equal(demoSignInName(facts, 'andrewbrown'), 'andrew@exampro.co')
  t.equal(demoSignInName(facts, '@Londo'), 'lmollari@centari.com')
  t.equal(demoSignInName(facts, 'bayko@exampro.co'), 'bayko@exampro.co')
  t.throws(() => demoSignInName(facts, 'nobody'), /@nobody is not a demo user/)
  t.equal(formatLifetime(60 * 60_000), '1 h')
  t.equal(formatLifetime(45 * 60_000), '45 min')
  t.equal(formatLifetime(150 * 60_000), '2.5 h')
})

t.test("the test stack's cognito-local lets pages on loopback ports in, and no other", async (t) => {
  // The browser tests serve their page from a free port; the browser calls cognito-local itself.
  const preflight = (origin: string) => cognitoAllowedOrigin(testStack().cognito.endpoint, origin)
  for (const origin of ['http://127.0.0.1:41234', 'http://localhost:3000', 'http://localhost:1']) {
    t.equal(await preflight(origin), origin, `${origin} allowed`)
  }
  for (const origin of [
    'https://evil.example',
    'http://127.0.0.1.evil.example:41234',
    'http://localhost:3000.evil.example',
    'https://127.0.0.1:41234',
    'http://127.0.0.1',
  ]) {
    t.equal(await preflight(origin), null, `${origin} refused`)
  }
})
