import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider'
import type { NewUser } from '@cruddur/user-service/directory'

/**
 * Creates a Cognito user with preferred_username (the handle), name, verified email and a
 * permanent password, unless it exists. The pool signs people in with their e-mail (as
 * Cruddur's real pool does), so the e-mail is the username. Answers whether it created it.
 */
export async function ensureCognitoUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  user: Pick<NewUser, 'handle' | 'display_name' | 'email'>,
  password: string,
): Promise<boolean> {
  try {
    await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }))
    return false
  } catch (error) {
    if (!(error instanceof UserNotFoundException) && (error as Error).name !== 'UserNotFoundException')
      throw error
  }
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: user.email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'preferred_username', Value: user.handle },
        { Name: 'name', Value: user.display_name },
        { Name: 'email', Value: user.email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  )
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: user.email,
      Password: password,
      Permanent: true,
    }),
  )
  return true
}
