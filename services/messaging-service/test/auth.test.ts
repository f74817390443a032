import { createPrivateKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { overrideJwksFetcher } from '../src/plugins/auth.js'
import { apiHarness, cognitoUser } from './helper.js'

const here = path.dirname(fileURLToPath(import.meta.url))
// cognito-local signs with a key that ships in its package: with it we can mint tokens that are
// correctly signed but wrong in exactly one claim.
const cognitoLocalKey = JSON.parse(
  readFileSync(
    path.resolve(
      here,
      '../../../packages/local-stack/node_modules/cognito-local/lib/keys/cognitoLocal.private.json',
    ),
    'utf8',
  ),
) as { jwk: Record<string, string> & { kid: string } }
const realKey = createPrivateKey({ key: cognitoLocalKey.jwk, format: 'jwk' })
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
function sign(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const head = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(payload)}`
  const signature = createSign('RSA-SHA256').update(head).sign(key).toString('base64url')
  return `${head}.${signature}`
}
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>

t.test('the token matrix: only a valid access token of this pool and client gets in', async (t) => {
  const { app, facts, userService } = await apiHarness(t)
  const alice = await cognitoUser(t, { prefix: 'tokalice', userServiceUrl: userService.url })
  const call = (authorization?: string) =>
    app.inject({
      method: 'GET',
      url: '/api/message_groups',
      headers: authorization === undefined ? {} : { authorization },
    })

  const ok = await call(`Bearer ${alice.accessToken}`)
  t.equal(ok.statusCode, 200, 'the real access token works')
  const lower = await call(`bearer ${alice.accessToken}`)
  t.equal(lower.statusCode, 200, 'the scheme is case-insensitive')

  const now = Math.floor(Date.now() / 1000)
  const valid = claims(alice.accessToken)
  const minted = sign({ ...valid, iat: now, exp: now + 600 }, realKey, cognitoLocalKey.jwk.kid)
  t.equal(
    (await call(`Bearer ${minted}`)).statusCode,
    200,
    'a token minted with the real key passes (control)',
  )

  // Another app client of the same pool: a real token, but not for this service.
  const cognito = new CognitoIdentityProviderClient({
    endpoint: facts.cognito.endpoint,
    region: facts.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  t.teardown(() => cognito.destroy())
  const otherClient = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: facts.cognito.userPoolId,
      ClientName: `other-${Date.now()}`,
    }),
  )
  const otherClientId = otherClient.UserPoolClient?.ClientId ?? ''
  t.ok(otherClientId)

  const cases: [string, string | undefined][] = [
    ['missing header', undefined],
    ['empty header', ''],
    ['Bearer without token', 'Bearer '],
    ['other scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['garbled', 'Bearer not.a.jwt'],
    ['random text', 'Bearer abcdef'],
    ['ID token instead of access', `Bearer ${alice.idToken}`],
    [
      'expired',
      `Bearer ${sign({ ...valid, iat: now - 7200, exp: now - 3600 }, realKey, cognitoLocalKey.jwk.kid)}`,
    ],
    [
      'another client id',
      `Bearer ${sign({ ...valid, client_id: otherClientId, exp: now + 600 }, realKey, cognitoLocalKey.jwk.kid)}`,
    ],
    [
      'token_use id in an access-shaped token',
      `Bearer ${sign({ ...valid, token_use: 'id', exp: now + 600 }, realKey, cognitoLocalKey.jwk.kid)}`,
    ],
    [
      'another issuer (pool)',
      `Bearer ${sign({ ...valid, iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other', exp: now + 600 }, realKey, cognitoLocalKey.jwk.kid)}`,
    ],
    [
      'wrong signature (foreign key, known kid)',
      `Bearer ${sign({ ...valid, exp: now + 600 }, strangerKey, cognitoLocalKey.jwk.kid)}`,
    ],
    ['wrong kid', `Bearer ${sign({ ...valid, exp: now + 600 }, strangerKey, 'some-other-kid')}`],
    [
      'tampered payload',
      `Bearer ${alice.accessToken.split('.')[0]}.${b64({ ...valid, sub: 'someone-else' })}.${alice.accessToken.split('.')[2]}`,
    ],
    [
      'alg none',
      `Bearer ${b64({ alg: 'none', kid: cognitoLocalKey.jwk.kid })}.${b64({ ...valid, exp: now + 600 })}.`,
    ],
  ]
  for (const [name, header] of cases) {
    const res = await call(header)
    t.equal(res.statusCode, 401, name)
    t.same(
      res.json(),
      { statusCode: 401, error: 'Unauthorized', message: res.json().message, errors: ['unauthorized'] },
      name,
    )
  }
  const post = await app.inject({
    method: 'POST',
    url: '/api/messages',
    payload: { message: 'hi', handle: 'x' },
  })
  t.equal(post.statusCode, 401, 'POST without a token is a 401 before anything else')
})

t.test('the JWKS comes from COGNITO_JWKS_URL; an unreachable JWKS is a 503', async (t) => {
  const fetcher = overrideJwksFetcher('http://127.0.0.1:9/jwks.json', 500)
  await t.rejects(fetcher.fetch('https://cognito-idp.us-east-1.amazonaws.com/x/.well-known/jwks.json'))
  const { app, userService } = await apiHarness(t, { COGNITO_JWKS_URL: 'http://127.0.0.1:9/jwks.json' })
  const bob = await cognitoUser(t, { prefix: 'tokbob', userServiceUrl: userService.url })
  const res = await app.inject({
    method: 'GET',
    url: '/api/message_groups',
    headers: { authorization: `Bearer ${bob.accessToken}` },
  })
  t.equal(res.statusCode, 503)
  t.same(res.json().errors, ['dependency_unavailable'])
})

t.test('a validly signed token with malformed claims is a 401, never a 5xx', async (t) => {
  const { app, userService } = await apiHarness(t)
  const carl = await cognitoUser(t, { prefix: 'tokcarl', userServiceUrl: userService.url })
  const now = Math.floor(Date.now() / 1000)
  const valid: Record<string, unknown> = { ...claims(carl.accessToken), iat: now, exp: now + 600 }
  const minted = (payload: Record<string, unknown>) => sign(payload, realKey, cognitoLocalKey.jwk.kid)
  const call = (token: string) =>
    app.inject({ method: 'GET', url: '/api/message_groups', headers: { authorization: `Bearer ${token}` } })
  t.equal((await call(minted(valid))).statusCode, 200, 'control: the same claims, well formed')
  const { sub: _sub, ...withoutSub } = valid
  const { client_id: _clientId, ...withoutClientId } = valid
  const cases: [string, Record<string, unknown>][] = [
    ['empty sub', { ...valid, sub: '' }],
    ['a sub that is not a uuid', { ...valid, sub: 'someone-else' }],
    ['a sub that is a path', { ...valid, sub: '../batch' }],
    ['a uuid with something after it', { ...valid, sub: `${String(valid.sub)}/x` }],
    ['a numeric sub', { ...valid, sub: 42 }],
    ['an object sub', { ...valid, sub: { id: valid.sub } }],
    ['no sub', withoutSub],
    ['no client_id', withoutClientId],
    ['a numeric client_id', { ...valid, client_id: 7 }],
    ['exp as a string', { ...valid, exp: String(now + 600) }],
    ['token_use missing', { ...valid, token_use: undefined }],
  ]
  for (const [name, payload] of cases) {
    const res = await call(minted(payload))
    t.equal(res.statusCode, 401, name)
    t.same(res.json().errors, ['unauthorized'], name)
  }
})

t.test('a token verified once is believed again only until it expires', async (t) => {
  const { app, userService } = await apiHarness(t)
  const dora = await cognitoUser(t, { prefix: 'tokdora', userServiceUrl: userService.url })
  const now = Math.floor(Date.now() / 1000)
  // Valid for the next 2 s: the first calls verify and remember it, the one after expiry must not
  // be let in by what was remembered.
  const shortLived = sign(
    { ...claims(dora.accessToken), iat: now, exp: now + 2 },
    realKey,
    cognitoLocalKey.jwk.kid,
  )
  const call = (token: string) =>
    app.inject({ method: 'GET', url: '/api/message_groups', headers: { authorization: `Bearer ${token}` } })
  t.equal((await call(shortLived)).statusCode, 200, 'verified')
  t.equal((await call(shortLived)).statusCode, 200, 'believed again while valid')
  const flipped = `${shortLived.slice(0, -2)}${shortLived.at(-2) === 'A' ? 'B' : 'A'}${shortLived.at(-1)}`
  t.equal(
    (await call(flipped)).statusCode,
    401,
    'one character of the signature changed: verified in full, refused',
  )
  await new Promise((resolve) => setTimeout(resolve, (now + 3) * 1000 - Date.now()))
  const expired = await call(shortLived)
  t.equal(expired.statusCode, 401, 'after its exp the same token is refused')
  t.same(expired.json().errors, ['unauthorized'])
})
