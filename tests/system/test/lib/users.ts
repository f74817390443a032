import { randomBytes } from 'node:crypto'
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { localCognitoClient } from '@cruddur/local-stack'
import type { System } from './system.js'

export interface TestUser {
  handle: string
  displayName: string
  email: string
  sub: string
  password: string
  accessToken: string
  idToken: string
}

/** Every secret a test handed out, for the log scan (no token or password may be logged). */
export const secrets = new Set<string>()

async function pool<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i] as T)
      }
    }),
  )
  return out
}

export async function signIn(system: System, username: string, password: string) {
  const client = localCognitoClient(system.facts.cognito.endpoint, system.facts.region)
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: system.facts.cognito.clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    )
    const accessToken = out.AuthenticationResult?.AccessToken
    const idToken = out.AuthenticationResult?.IdToken
    if (!accessToken || !idToken) throw new Error(`no tokens for ${username}`)
    secrets.add(accessToken)
    secrets.add(idToken)
    return { accessToken, idToken }
  } finally {
    client.destroy()
  }
}

/**
 * Signs users up the way production does: a confirmed Cognito user (cognito-local), the
 * PostConfirmation event delivered to user-service (which inserts the row), then a
 * USER_PASSWORD_AUTH sign-in for the tokens the web client would hold.
 */
export async function createUsers(system: System, prefix: string, count: number): Promise<TestUser[]> {
  const suffix = randomBytes(3).toString('hex')
  const client = localCognitoClient(system.facts.cognito.endpoint, system.facts.region)
  try {
    const names = Array.from({ length: count }, (_, i) => `${prefix}${i}_${suffix}`)
    return await pool(names, 4, async (handle) => {
      const password = `Sys-${randomBytes(9).toString('base64url')}-1!`
      secrets.add(password)
      const email = `${handle}@example.test`
      const displayName = `System ${handle}`
      const created = await client.send(
        new AdminCreateUserCommand({
          UserPoolId: system.facts.cognito.userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'preferred_username', Value: handle },
            { Name: 'name', Value: displayName },
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      )
      const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value
      if (!sub) throw new Error(`cognito-local gave ${handle} no sub`)
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: system.facts.cognito.userPoolId,
          Username: email,
          Password: password,
          Permanent: true,
        }),
      )
      const event = {
        version: '1',
        region: system.facts.region,
        userPoolId: system.facts.cognito.userPoolId,
        // An e-mail sign-in pool names its users by their sub.
        userName: sub,
        callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: system.facts.cognito.clientId },
        triggerSource: 'PostConfirmation_ConfirmSignUp',
        request: {
          userAttributes: {
            sub,
            'cognito:user_status': 'CONFIRMED',
            email_verified: 'true',
            email,
            name: displayName,
            preferred_username: handle,
          },
        },
        response: {},
      }
      const res = await fetch(`${system.facts.userService.url}/internal/cognito/post-confirmation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-internal-token': system.facts.internalToken },
        body: JSON.stringify(event),
      })
      if (res.status !== 200)
        throw new Error(`post-confirmation for ${handle} answered ${res.status}: ${await res.text()}`)
      const tokens = await signIn(system, email, password)
      return { handle, displayName, email, sub, password, ...tokens }
    })
  } finally {
    client.destroy()
  }
}
