import { DEMO_ACCOUNTS } from '@cruddur/types'
import { type NewUser, seedUsers } from '@cruddur/user-service/directory'
import type { Sql } from 'postgres'

/** The demo users of the original Cruddur; their Cognito sub is filled in by the sync. */
export const DEMO_USERS: readonly NewUser[] = DEMO_ACCOUNTS.map((account) => ({
  ...account,
  cognito_user_id: null,
}))

/**
 * Inserts the demo users that are missing (by handle or email); safe to re-run. A user whose
 * handle or display name breaks the rules (the directory's rules) is rejected, never inserted.
 */
export async function seed(sql: Sql, users: readonly NewUser[] = DEMO_USERS) {
  return seedUsers(sql, users)
}
