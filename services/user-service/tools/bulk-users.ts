import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider'

/**
 * Creates `count` Cognito users (handle = `${prefix}${i}`, username = its e-mail) with a few requests in
 * flight at once; for the 500-user test and the 10,000-user measurement, not for production.
 * `confirmed`: with a verified e-mail and a permanent password (CONFIRMED), as the sync requires
 * before it links one to an existing row.
 */
export async function createBulkUsers(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  count: number,
  options: {
    prefix?: string
    concurrency?: number
    confirmed?: boolean
    onProgress?: (done: number) => void
  } = {},
): Promise<void> {
  const { prefix = 'user', concurrency = 8 } = options
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      const handle = `${prefix}${i}`
      const email = `${handle}@example.com`
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'preferred_username', Value: handle },
            { Name: 'name', Value: `User ${i}` },
            { Name: 'email', Value: email },
            ...(options.confirmed ? [{ Name: 'email_verified', Value: 'true' }] : []),
          ],
        }),
      )
      if (options.confirmed)
        await client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: userPoolId,
            Username: email,
            Password: `Bulk-${handle}-Passw0rd!`,
            Permanent: true,
          }),
        )
      done++
      if (done % 100 === 0) options.onProgress?.(done)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}
