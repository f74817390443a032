/**
 * Forged and tampered tokens. cognito-local signs with a key pair it ships in its package
 * (kid "CognitoLocal"); signing with that same key lets a test build a token that is valid in
 * every way but one, so each attack proves the one check it targets.
 */
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const keysDir = path.join(path.dirname(require.resolve('cognito-local/package.json')), 'lib', 'keys')
const privatePem = (
  JSON.parse(readFileSync(path.join(keysDir, 'cognitoLocal.private.json'), 'utf8')) as { pem: string }
).pem
const publicJwk = (
  JSON.parse(readFileSync(path.join(keysDir, 'cognitoLocal.public.json'), 'utf8')) as {
    jwk: import('node:crypto').JsonWebKey
  }
).jwk
export const COGNITO_LOCAL_KID = 'CognitoLocal'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

export function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.')
  return {
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')),
  }
}

export function signRs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: string | import('node:crypto').KeyObject = privatePem,
): string {
  const input = `${b64({ typ: 'JWT', ...header, alg: 'RS256' })}.${b64(payload)}`
  const signature = sign(
    'RSA-SHA256',
    Buffer.from(input),
    typeof key === 'string' ? createPrivateKey(key) : key,
  )
  return `${input}.${signature.toString('base64url')}`
}

/** The attacks, each built from a real access token's claims (so only one thing is wrong). */
export function tokenAttacks(realAccess: string, realId: string): Array<{ name: string; token: string }> {
  const { payload } = decode(realAccess)
  const now = Math.floor(Date.now() / 1000)
  const fresh = { ...payload, iat: now, auth_time: now, exp: now + 3600 }
  const header = { kid: COGNITO_LOCAL_KID }
  const publicPem = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
  const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: COGNITO_LOCAL_KID })}.${b64(fresh)}`
  const hsSig = createHmac('sha256', publicPem).update(hsInput).digest('base64url')
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const [h, p, s] = realAccess.split('.') as [string, string, string]
  const tamperedPayload = b64({ ...payload, sub: '00000000-0000-4000-8000-000000000000' })
  const iss = String(payload.iss)
  const otherPoolIss = iss.replace(/_[0-9a-zA-Z]+$/, '_OtherPool1')
  return [
    { name: 'alg none', token: `${b64({ alg: 'none', typ: 'JWT', kid: COGNITO_LOCAL_KID })}.${b64(fresh)}.` },
    { name: 'alg none, no signature part', token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(fresh)}` },
    { name: 'HS256 signed with the public key', token: `${hsInput}.${hsSig}` },
    { name: 'unknown kid', token: signRs256({ kid: 'not-a-key-of-this-pool' }, fresh) },
    { name: 'no kid', token: signRs256({}, fresh) },
    { name: 'signed by another key under the right kid', token: signRs256(header, fresh, otherKey) },
    {
      name: 'expired',
      token: signRs256(header, { ...fresh, iat: now - 7200, auth_time: now - 7200, exp: now - 3600 }),
    },
    { name: 'not yet valid (nbf in the future)', token: signRs256(header, { ...fresh, nbf: now + 3600 }) },
    { name: 'ID token instead of access token', token: realId },
    {
      name: 'token_use id on an access-shaped token',
      token: signRs256(header, { ...fresh, token_use: 'id' }),
    },
    { name: 'other pool (issuer)', token: signRs256(header, { ...fresh, iss: otherPoolIss }) },
    { name: 'other client', token: signRs256(header, { ...fresh, client_id: 'someotherclient0000000000' }) },
    { name: 'no client_id', token: signRs256(header, { ...fresh, client_id: undefined }) },
    { name: 'tampered payload (sub swapped, signature kept)', token: `${h}.${tamperedPayload}.${s}` },
    { name: 'signature stripped', token: `${h}.${p}.` },
    { name: 'signature of another token', token: `${h}.${p}.${s.slice(0, -6)}AAAAAA` },
    { name: 'garbage', token: 'not-a-jwt' },
    { name: 'three empty parts', token: '..' },
  ]
}

/** A token minted like cognito-local mints one: the control that proves the attacks fail for their flaw. */
export function remint(realAccess: string): string {
  const { payload } = decode(realAccess)
  const now = Math.floor(Date.now() / 1000)
  return signRs256({ kid: COGNITO_LOCAL_KID }, { ...payload, iat: now, auth_time: now, exp: now + 3600 })
}
