import {
  type CognitoIdentityProviderClient,
  paginateListUsers,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider'

/** What the directory needs to know of a Cognito user before it links it to a row (directory/identity.ts). */
export interface CognitoIdentity {
  email: string | null
  emailVerified: boolean
  /** Cognito's UserStatus (`cognito:user_status` in a trigger event). */
  status: string | null
  enabled: boolean
}

/** A Cognito user as the sync needs it (ListUsers attributes, flattened). */
export interface CognitoUserRecord extends CognitoIdentity {
  username: string
  sub: string | null
  handle: string | null
  name: string | null
}

export function toRecord(user: UserType): CognitoUserRecord {
  const attr = (name: string) => {
    const value = user.Attributes?.find((a) => a.Name === name)?.Value?.trim()
    return value ? value : null
  }
  return {
    username: user.Username ?? '',
    sub: attr('sub'),
    handle: attr('preferred_username'),
    email: attr('email'),
    emailVerified: attr('email_verified') === 'true',
    name: attr('name'),
    status: user.UserStatus ?? null,
    // ListUsers always says; a user of unknown state is not one to link.
    enabled: user.Enabled === true,
  }
}

/** ListUsers limit: Cognito allows at most 60 per page. */
export const COGNITO_PAGE_SIZE = 60

/** Every page of the pool, through the SDK's paginator (follows PaginationToken to the end). */
export async function* cognitoUserPages(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  pageSize = COGNITO_PAGE_SIZE,
): AsyncGenerator<CognitoUserRecord[]> {
  for await (const page of paginateListUsers({ client, pageSize }, { UserPoolId: userPoolId })) {
    yield (page.Users ?? []).map(toRecord)
  }
}
