/**
 * People for the tests, made the way production makes them: a confirmed user in the local
 * Cognito pool (the e-mail is the username, as in Cruddur's pool), signed in with
 * USER_PASSWORD_AUTH as the web client does against cognito-local, and put in user-service's
 * directory by the PostConfirmation event the pool's trigger would send. One copy for every
 * package's tests (they each had their own).
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import type { StackFacts } from './facts.js'

export interface PersonSpec {
  handle: string
  email: string
  name: string
  password: string
}

export interface SignedIn {
  accessToken: string
  idToken: string
}

type Pool = Pick<StackFacts, 'region' | 'internalToken'> & {
  cognito: Pick<StackFacts['cognito'], 'userPoolId' | 'clientId'>
}

/** E-mail and password sign-in (cognito-local has no SRP). */
export async function signInPerson(
  client: CognitoIdentityProviderClient,
  facts: Pool,
  email: string,
  password: string,
): Promise<SignedIn> {
  const auth = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: facts.cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  )
  const accessToken = auth.AuthenticationResult?.AccessToken
  if (!accessToken) throw new Error(`cognito-local signed ${email} in without an access token`)
  return { accessToken, idToken: auth.AuthenticationResult?.IdToken ?? '' }
}

/** A confirmed person with a verified e-mail and a permanent password; answers their sub. */
export async function createCognitoPerson(
  client: CognitoIdentityProviderClient,
  facts: Pool,
  person: PersonSpec,
): Promise<{ sub: string }> {
  const created = await client.send(
    new AdminCreateUserCommand({
      UserPoolId: facts.cognito.userPoolId,
      Username: person.email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: person.email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: person.name },
        { Name: 'preferred_username', Value: person.handle },
      ],
    }),
  )
  const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value
  if (!sub) throw new Error(`cognito-local gave ${person.email} no sub`)
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: facts.cognito.userPoolId,
      Username: person.email,
      Password: person.password,
      Permanent: true,
    }),
  )
  return { sub }
}

/** The PostConfirmation event the pool's trigger sends for a confirmed sign-up. */
export function postConfirmationEvent(facts: Pool, person: Omit<PersonSpec, 'password'> & { sub: string }) {
  return {
    version: '1',
    region: facts.region,
    userPoolId: facts.cognito.userPoolId,
    // An e-mail sign-in pool names its users by their sub.
    userName: person.sub,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: facts.cognito.clientId },
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    request: {
      userAttributes: {
        sub: person.sub,
        'cognito:user_status': 'CONFIRMED',
        email_verified: 'true',
        email: person.email,
        name: person.name,
        preferred_username: person.handle,
      },
    },
    response: {},
  }
}

/**
 * Delivers the PostConfirmation event to user-service (which inserts the row) and answers the
 * directory's row for the person (`Row`: the caller's view of user-service's internal user).
 */
export async function registerPerson<Row>(
  userServiceUrl: string,
  facts: Pool,
  person: Omit<PersonSpec, 'password'> & { sub: string },
): Promise<Row> {
  const internal = { 'content-type': 'application/json', 'x-internal-token': facts.internalToken }
  const res = await fetch(`${userServiceUrl}/internal/cognito/post-confirmation`, {
    method: 'POST',
    headers: internal,
    body: JSON.stringify(postConfirmationEvent(facts, person)),
  })
  if (res.status !== 200)
    throw new Error(`post-confirmation for ${person.handle} answered ${res.status}: ${await res.text()}`)
  const lookup = await fetch(`${userServiceUrl}/internal/users/by-sub/${person.sub}`, { headers: internal })
  if (lookup.status !== 200) throw new Error(`user-service does not know ${person.handle} (${lookup.status})`)
  return (await lookup.json()) as Row
}
