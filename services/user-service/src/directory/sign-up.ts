import type { PostConfirmationEvent, User } from '@cruddur/types'
import type { Sql } from 'postgres'
import type { CognitoIdentity } from '../cognito/pages.js'
import { InvalidSignUpError, SignUpConflictError } from './errors.js'
import { linkRefusal } from './identity.js'
import { guard } from './outage.js'
import { type NewCognitoUser, toUser, type UserRow } from './rows.js'
import { DISPLAY_NAME_RULE, HANDLE_RULE, isValidDisplayName, isValidHandle } from './rules.js'

export interface SignUpResult {
  kind: 'created' | 'linked' | 'repeat'
  user: User
}

/**
 * The rules of a sign-up that JSON Schema cannot say (the schema checked the event's shape): a
 * PostConfirmation trigger, no blank attribute, an e-mail address, a handle and a name that keep
 * the directory's rules. Answers the user to store and what Cognito says of the identity.
 */
export function signUpFromEvent(event: PostConfirmationEvent): {
  user: NewCognitoUser
  identity: CognitoIdentity
} {
  if (!event.triggerSource.startsWith('PostConfirmation_'))
    throw new InvalidSignUpError(
      'invalid_trigger_source',
      `Not a PostConfirmation event: ${event.triggerSource}`,
    )
  const a = event.request.userAttributes
  for (const field of ['name', 'preferred_username', 'email'] as const) {
    if (!a[field].trim()) throw new InvalidSignUpError(`invalid_${field}`, `userAttributes.${field} is blank`)
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(a.email.trim()))
    throw new InvalidSignUpError('invalid_email', 'userAttributes.email is not an email address')
  const user = {
    display_name: a.name.trim(),
    handle: a.preferred_username.trim(),
    email: a.email.trim(),
    cognito_user_id: a.sub,
  }
  if (!isValidHandle(user.handle))
    throw new InvalidSignUpError('invalid_handle', `preferred_username: ${HANDLE_RULE}`)
  if (!isValidDisplayName(user.display_name))
    throw new InvalidSignUpError('invalid_display_name', `name: ${DISPLAY_NAME_RULE}`)
  const attributes = a as Record<string, unknown>
  const status = attributes['cognito:user_status']
  return {
    user,
    identity: {
      email: user.email,
      emailVerified: attributes.email_verified === 'true' || attributes.email_verified === true,
      status: typeof status === 'string' ? status : null,
      // Cognito confirms only enabled users, and the event carries no Enabled flag.
      enabled: true,
    },
  }
}

/**
 * The confirmed Cognito user, inserted idempotently: a repeat of the same event is fine, an
 * unlinked row with the same handle gets linked only under the rule of identity.ts (a seeded user
 * whose verified e-mail it is), and a handle, email or sub owned by somebody else is a conflict
 * (SignUpConflictError), never an overwrite.
 */
export async function signUp(sql: Sql, event: PostConfirmationEvent): Promise<SignUpResult> {
  const { user, identity } = signUpFromEvent(event)
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
  for (let attempt = 0; attempt < 2; attempt++) {
    const [inserted] = await guard(sql<UserRow[]>`
      insert into users (display_name, handle, email, cognito_user_id)
      values (${user.display_name}, ${user.handle}, ${user.email}, ${user.cognito_user_id})
      on conflict do nothing
      returning uuid, display_name, handle, email, cognito_user_id, created_at`)
    if (inserted) return { kind: 'created', user: toUser(inserted) }

    const rows = await guard(sql<UserRow[]>`
      select uuid, display_name, handle, email, cognito_user_id, created_at from users
      where cognito_user_id = ${user.cognito_user_id}
         or lower(handle) = lower(${user.handle})
         or lower(email) = lower(${user.email})`)
    const bySub = rows.find((r) => r.cognito_user_id === user.cognito_user_id)
    if (bySub) {
      if (same(bySub.handle, user.handle)) return { kind: 'repeat', user: toUser(bySub) }
      throw new SignUpConflictError(
        ['sub_taken'],
        `Cognito user ${user.cognito_user_id} is already registered as @${bySub.handle}`,
      )
    }
    const byHandle = rows.find((r) => same(r.handle, user.handle))
    if (byHandle) {
      const refusal = byHandle.cognito_user_id === null ? linkRefusal(identity, byHandle.email) : null
      if (byHandle.cognito_user_id === null && !refusal) {
        const [linked] = await guard(sql<UserRow[]>`
          update users set cognito_user_id = ${user.cognito_user_id}
          where uuid = ${byHandle.uuid} and cognito_user_id is null
          returning uuid, display_name, handle, email, cognito_user_id, created_at`)
        if (linked) return { kind: 'linked', user: toUser(linked) }
        continue // somebody linked it meanwhile: look again
      }
      throw new SignUpConflictError(
        refusal ? ['handle_taken', refusal.kind] : ['handle_taken'],
        `The handle @${user.handle} is taken`,
      )
    }
    if (rows.some((r) => same(r.email, user.email)))
      throw new SignUpConflictError(['email_taken'], 'The email address belongs to another user')
    // The row that blocked the insert is gone again (deleted meanwhile): try once more.
  }
  throw new SignUpConflictError(['handle_taken'], `The handle @${user.handle} is contended`)
}
