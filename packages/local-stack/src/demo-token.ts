import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider'
import { localCognitoClient } from './cognito.js'
import type { StackFacts } from './facts.js'

/** Signs a demo user in through cognito-local (USER_PASSWORD_AUTH) and returns its access token. */
export async function demoAccessToken(facts: StackFacts, handle: string): Promise<string> {
  const client = localCognitoClient(facts.cognito.endpoint, facts.region)
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: facts.cognito.clientId,
        AuthParameters: { USERNAME: handle, PASSWORD: facts.demoPassword },
      }),
    )
    const token = out.AuthenticationResult?.AccessToken
    if (!token) throw new Error(`cognito-local returned no access token for ${handle}`)
    return token
  } finally {
    client.destroy()
  }
}
