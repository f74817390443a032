import { DEMO_ACCOUNTS } from '@cruddur/types'
import type { Sql } from 'postgres'
import { ruleBroken } from '../directory/rules.js'
import { createUsersRepository, type NewUser } from '../repositories/users.js'

/** The demo users of the original Cruddur; their Cognito sub is filled in by the sync. */
export const DEMO_USERS: readonly NewUser[] = DEMO_ACCOUNTS.map((account) => ({
  ...account,
  cognito_user_id: null,
}))

/**
 * Inserts the demo users that are missing (by handle or email); safe to re-run. A user whose
 * handle or display name breaks the rules (directory/rules.ts) is rejected, never inserted.
 */
export async function seed(sql: Sql, users: readonly NewUser[] = DEMO_USERS) {
  const repo = createUsersRepository({ sql })
  const inserted: string[] = []
  const present: string[] = []
  const rejected: { handle: string; rule: 'invalid_handle' | 'invalid_display_name' }[] = []
  for (const user of users) {
    const rule = ruleBroken(user)
    if (rule) rejected.push({ handle: user.handle, rule })
    else if (await repo.insertIfAbsent(user)) inserted.push(user.handle)
    else present.push(user.handle)
  }
  return { inserted, present, rejected }
}
