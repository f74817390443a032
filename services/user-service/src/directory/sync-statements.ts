import type { Sql } from 'postgres'
import { guard } from './outage.js'
import type { NewCognitoUser, SyncRow, SyncUpdate } from './rows.js'

/**
 * The Cognito sync's statements: each one covers a whole page of Cognito users. Arrays go in as
 * plain JS arrays with an explicit cast (`${list}::text[]`): postgres.js binds each as one parameter.
 */

/** Every row a page of Cognito users could touch: by sub, by handle, by email. */
export function syncCandidates(
  sql: Sql,
  subs: string[],
  lowerHandles: string[],
  lowerEmails: string[],
): Promise<SyncRow[]> {
  return guard(sql<SyncRow[]>`
    select uuid, handle, email, cognito_user_id from users
    where cognito_user_id = any(${subs}::text[])
       or lower(handle) = any(${lowerHandles}::text[])
       or lower(email) = any(${lowerEmails}::text[])`)
}

/**
 * One statement for the page's writes: links/renames (UPDATE ... FROM unnest) and new users
 * (INSERT ... SELECT unnest ... ON CONFLICT DO NOTHING). An update only touches a row that
 * is still unlinked or linked to the same sub, so a concurrent link is never overwritten.
 */
export async function applySyncPage(
  sql: Sql,
  updates: SyncUpdate[],
  inserts: NewCognitoUser[],
): Promise<{ updated: number; insertedSubs: string[] }> {
  const [row] = await guard(sql<{ updated: number; inserted_subs: string[] }[]>`
    with upd as (
      update users u set handle = v.handle, cognito_user_id = v.sub
      from unnest(
        ${updates.map((u) => u.uuid)}::uuid[],
        ${updates.map((u) => u.handle)}::text[],
        ${updates.map((u) => u.cognito_user_id)}::text[]
      ) as v(uuid, handle, sub)
      where u.uuid = v.uuid and (u.cognito_user_id is null or u.cognito_user_id = v.sub)
      returning u.uuid
    ), ins as (
      insert into users (display_name, handle, email, cognito_user_id)
      select * from unnest(
        ${inserts.map((u) => u.display_name)}::text[],
        ${inserts.map((u) => u.handle)}::text[],
        ${inserts.map((u) => u.email)}::text[],
        ${inserts.map((u) => u.cognito_user_id)}::text[]
      )
      on conflict do nothing
      returning cognito_user_id
    )
    select (select count(*) from upd)::int as updated,
           array(select cognito_user_id from ins) as inserted_subs`)
  return { updated: row?.updated ?? 0, insertedSubs: row?.inserted_subs ?? [] }
}

/** Linked rows whose sub is not among `subs` (every sub of the pool): the orphans. */
export function linkedOutside(
  sql: Sql,
  subs: string[],
): Promise<{ handle: string; cognito_user_id: string }[]> {
  // An anti-join against the unnested array (hashable), not `<> all(...)` (rows x subs).
  return guard(sql<{ handle: string; cognito_user_id: string }[]>`
    select u.handle, u.cognito_user_id from users u
    left join unnest(${subs}::text[]) as s(sub) on s.sub = u.cognito_user_id
    where u.cognito_user_id is not null and s.sub is null
    order by u.handle`)
}
