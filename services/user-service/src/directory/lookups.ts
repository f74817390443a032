import type { InternalUser, UserShort } from '@cruddur/types'
import type { Sql } from 'postgres'
import { UserNotFoundError } from './errors.js'
import { guard } from './outage.js'
import { toInternal, type UserRow } from './rows.js'

/**
 * The lookups other callers make (the public profile, messaging-service's internal calls). Every
 * statement is a tagged template (parameters bound, never spliced); lookups by handle go through
 * the unique index on lower(handle).
 */

export async function shortByHandle(sql: Sql, handle: string): Promise<UserShort> {
  const [row] = await guard(sql<UserShort[]>`
    select uuid, handle, display_name from users where lower(handle) = lower(${handle})`)
  if (!row) throw new UserNotFoundError(`No user with the handle @${handle}`)
  return row
}

export async function internalByHandle(sql: Sql, handle: string): Promise<InternalUser> {
  const [row] = await guard(sql<UserRow[]>`
    select uuid, handle, display_name, cognito_user_id from users where lower(handle) = lower(${handle})`)
  if (!row) throw new UserNotFoundError(`No user with the handle @${handle}`)
  return toInternal(row)
}

export async function internalBySub(sql: Sql, sub: string): Promise<InternalUser> {
  const [row] = await guard(sql<UserRow[]>`
    select uuid, handle, display_name, cognito_user_id from users where cognito_user_id = ${sub}`)
  if (!row) throw new UserNotFoundError('No user with this Cognito sub')
  return toInternal(row)
}

/** Several users by uuid in one statement; unknown uuids are simply absent, duplicates count once. */
export async function internalByUuids(sql: Sql, uuids: readonly string[]): Promise<InternalUser[]> {
  const unique = [...new Set(uuids)]
  if (unique.length === 0) return []
  const rows = await guard(sql<UserRow[]>`
    select uuid, handle, display_name, cognito_user_id from users
    where uuid = any(${unique}::uuid[])
    order by handle`)
  return rows.map(toInternal)
}
