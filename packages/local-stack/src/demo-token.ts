import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider'
import { localCognitoClient } from './cognito.js'
import type { StackFacts } from './facts.js'

/** The e-mail a demo user signs in with: given a handle (`andrewbrown`, `@bayko`) or the e-mail itself. */
export function demoSignInName(facts: StackFacts, who: string): string {
  const name = who.trim().replace(/^@/, '')
  if (name.includes('@')) return name
  const email = Object.entries(facts.demoEmails ?? {}).find(
    ([handle]) => handle.toLowerCase() === name.toLowerCase(),
  )?.[1]
  if (!email) {
    const known = facts.demoUsers.join(', ')
    throw new Error(`@${name} is not a demo user (demo users: ${known}; or give an e-mail)`)
  }
  return email
}

export interface DemoToken {
  accessToken: string
  /** When the access token expires (its `exp` claim). */
  expiresAt: Date
}

/**
 * Signs a demo user in through cognito-local by e-mail (USER_PASSWORD_AUTH: cognito-local has
 * no SRP) and returns the access token with its expiry.
 */
export async function demoToken(facts: StackFacts, who: string): Promise<DemoToken> {
  const username = demoSignInName(facts, who)
  const client = localCognitoClient(facts.cognito.endpoint, facts.region)
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: facts.cognito.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: facts.demoPassword },
      }),
    )
    const accessToken = out.AuthenticationResult?.AccessToken
    if (!accessToken) throw new Error(`cognito-local returned no access token for ${username}`)
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'))
    const exp = Number(claims.exp)
    const expiresIn = Number(out.AuthenticationResult?.ExpiresIn)
    const expiresAt = Number.isFinite(exp)
      ? new Date(exp * 1000)
      : new Date(Date.now() + (Number.isFinite(expiresIn) ? expiresIn : 0) * 1000)
    return { accessToken, expiresAt }
  } finally {
    client.destroy()
  }
}

/** The access token alone (tests, the bench). */
export async function demoAccessToken(facts: StackFacts, who: string): Promise<string> {
  return (await demoToken(facts, who)).accessToken
}

/** "24 h", "1 h", "45 min": how long a token lasts, for the start banner. */
export function formatLifetime(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`
  if (minutes >= 90) return `${(minutes / 60).toFixed(1)} h`
  return `${Math.max(minutes, 0)} min`
}
