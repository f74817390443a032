import type { InternalUser, User } from '@cruddur/types'

/** What a new row needs; uuid and created_at come from the database. */
export interface NewUser {
  display_name: string
  handle: string
  email: string
  cognito_user_id: string | null
}

export interface NewCognitoUser extends NewUser {
  cognito_user_id: string
}

/** A row as the sync sees it. */
export interface SyncRow {
  uuid: string
  handle: string
  email: string
  cognito_user_id: string | null
}

/** Link a row to a sub and/or give it the handle Cognito has for it. */
export interface SyncUpdate {
  uuid: string
  handle: string
  cognito_user_id: string
}

/** A whole row of `users` as postgres.js returns it. */
export interface UserRow {
  uuid: string
  display_name: string
  handle: string
  email: string
  cognito_user_id: string | null
  created_at: Date
}

export const toUser = (r: UserRow): User => ({ ...r, created_at: r.created_at.toISOString() })

export const toInternal = (
  r: Pick<UserRow, 'uuid' | 'handle' | 'display_name' | 'cognito_user_id'>,
): InternalUser => ({
  uuid: r.uuid,
  handle: r.handle,
  display_name: r.display_name,
  cognito_user_id: r.cognito_user_id,
})
