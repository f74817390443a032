import { randomBytes } from 'node:crypto'
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { localCognitoClient } from '@cruddur/local-stack'
import { uniqueSuffix } from '@cruddur/local-stack/testing'
import type { InternalUser } from '@cruddur/types'
import type { SystemUnderTest } from './system.js'

export const newPassword = () => `Web-${randomBytes(9).toString('base64url')}-1a!`

export interface Person {
  handle: string
  displayName: string
  email: string
  password: string
  uuid: string
  accessToken: string
}

/**
 * A person as production makes one: a confirmed Cognito user whose username is their e-mail
 * (the pool signs people in by e-mail), then the PostConfirmation event to user-service, which
 * puts them in the directory. Handles are unique per run: the Cognito pool is shared.
 */
export async function createPerson(
  sys: SystemUnderTest,
  prefix: string,
  displayName: string,
  password = newPassword(),
): Promise<Person> {
  const { facts } = sys
  const handle = `${prefix}_${uniqueSuffix()}`
  const email = `${handle}@example.test`
  const cognito = localCognitoClient(facts.cognito.endpoint, facts.region)
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: facts.cognito.userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'name', Value: displayName },
          { Name: 'preferred_username', Value: handle },
        ],
      }),
    )
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: facts.cognito.userPoolId,
        Username: email,
        Password: password,
        Permanent: true,
      }),
    )
    const auth = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: facts.cognito.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    )
    const accessToken = auth.AuthenticationResult?.AccessToken ?? ''
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'))
    const sub = String(claims.sub)
    const event = {
      version: '1',
      region: facts.region,
      userPoolId: facts.cognito.userPoolId,
      userName: email,
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      callerContext: { clientId: facts.cognito.clientId },
      request: { userAttributes: { sub, email, name: displayName, preferred_username: handle } },
      response: {},
    }
    const internal = { 'content-type': 'application/json', 'x-internal-token': facts.internalToken }
    const res = await fetch(`${sys.userServiceUrl}/internal/cognito/post-confirmation`, {
      method: 'POST',
      headers: internal,
      body: JSON.stringify(event),
    })
    if (res.status !== 200) throw new Error(`post-confirmation answered ${res.status}: ${await res.text()}`)
    const lookup = await fetch(`${sys.userServiceUrl}/internal/users/by-sub/${sub}`, { headers: internal })
    const user = (await lookup.json()) as InternalUser
    return { handle, displayName, email, password, uuid: user.uuid, accessToken }
  } finally {
    cognito.destroy()
  }
}

/** A message sent through the API as `from` (to seed what the page should then show). */
export async function sendAs(
  sys: SystemUnderTest,
  from: Person,
  target: { handle: string } | { message_group_uuid: string },
  message: string,
) {
  const res = await fetch(`${sys.messagingServiceUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${from.accessToken}` },
    body: JSON.stringify({ message, ...target }),
  })
  if (res.status !== 200) throw new Error(`send answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as { message_group_uuid: string; uuid: string; created_at: string }
}
