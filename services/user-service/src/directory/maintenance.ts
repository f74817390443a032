import type { Sql } from 'postgres'
import { guard } from './outage.js'
import type { NewUser, UserRow } from './rows.js'
import { ruleBroken } from './rules.js'

/** What the tools do to the directory besides the sync: seed users, check every row, count. */

/** Inserts the user unless its handle or email exists already; true when it was inserted. */
export async function insertIfAbsent(sql: Sql, user: NewUser): Promise<boolean> {
  const rows = await guard(sql`
    insert into users (display_name, handle, email, cognito_user_id)
    values (${user.display_name}, ${user.handle}, ${user.email}, ${user.cognito_user_id})
    on conflict do nothing
    returning uuid`)
  return rows.length === 1
}

/**
 * Inserts the users that are missing (by handle or email); safe to re-run. A user whose handle
 * or display name breaks the rules (rules.ts) is rejected, never inserted.
 */
export async function seedUsers(sql: Sql, users: readonly NewUser[]) {
  const inserted: string[] = []
  const present: string[] = []
  const rejected: { handle: string; rule: 'invalid_handle' | 'invalid_display_name' }[] = []
  for (const user of users) {
    const rule = ruleBroken(user)
    if (rule) rejected.push({ handle: user.handle, rule })
    else if (await insertIfAbsent(sql, user)) inserted.push(user.handle)
    else present.push(user.handle)
  }
  return { inserted, present, rejected }
}

export type NamedRow = Pick<UserRow, 'uuid' | 'handle' | 'display_name'>

/** Every row's handle and display name, a page at a time (for the rules check; reads only). */
export async function* namePages(sql: Sql, pageSize = 1000): AsyncGenerator<NamedRow[]> {
  const cursor = sql<NamedRow[]>`
    select uuid, handle, display_name from users order by lower(handle)`.cursor(pageSize)
  for await (const rows of cursor) yield rows
}

export async function countUsers(sql: Sql): Promise<number> {
  const [row] = await guard(sql<{ n: number }[]>`select count(*)::int as n from users`)
  return row?.n ?? 0
}
