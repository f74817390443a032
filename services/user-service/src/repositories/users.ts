import { dependencyUnavailable } from '@cruddur/service-kit'
import type { InternalUser, User, UserShort } from '@cruddur/types'
import type { Sql } from 'postgres'
import { type CognitoIdentity, type LinkRefusal, linkRefusal } from '../directory/identity.js'

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

interface UserRow {
  uuid: string
  display_name: string
  handle: string
  email: string
  cognito_user_id: string | null
  created_at: Date
}

/** Errors that mean "the database is not there" (not "the query is wrong"): a 503, not a 500. */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the database does not exist (yet)
  '57014', // query_canceled: statement_timeout
])

async function guard<T>(query: Promise<T>): Promise<T> {
  try {
    return await query
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code && UNAVAILABLE.has(code)) throw dependencyUnavailable('PostgreSQL', error)
    throw error
  }
}

const toUser = (r: UserRow): User => ({ ...r, created_at: r.created_at.toISOString() })
const toInternal = (
  r: Pick<UserRow, 'uuid' | 'handle' | 'display_name' | 'cognito_user_id'>,
): InternalUser => ({
  uuid: r.uuid,
  handle: r.handle,
  display_name: r.display_name,
  cognito_user_id: r.cognito_user_id,
})

export type PostConfirmationOutcome =
  | { kind: 'created'; user: User }
  | { kind: 'linked'; user: User }
  | { kind: 'repeat'; user: User }
  | {
      kind: 'conflict'
      code: 'handle_taken' | 'email_taken' | 'sub_taken'
      /** Why an unlinked row with this handle was not linked to the confirmed user. */
      reason?: LinkRefusal
      detail: string
    }

/**
 * Data access for the `users` table. Every statement is a tagged template (parameters are
 * always bound, never spliced into the SQL text); lookups by handle and email go through the
 * unique indexes on lower(). Arrays go in as plain JS arrays with an explicit cast
 * (`${list}::text[]`): postgres.js binds them as one array parameter each.
 */
export function createUsersRepository({ sql }: { sql: Sql }) {
  return {
    async findByHandle(handle: string): Promise<User | undefined> {
      const [row] = await guard(sql<UserRow[]>`
        select uuid, display_name, handle, email, cognito_user_id, created_at
        from users where lower(handle) = lower(${handle})`)
      return row && toUser(row)
    },

    async findShortByHandle(handle: string): Promise<UserShort | undefined> {
      const [row] = await guard(sql<UserShort[]>`
        select uuid, handle, display_name from users where lower(handle) = lower(${handle})`)
      return row
    },

    async findInternalByHandle(handle: string): Promise<InternalUser | undefined> {
      const [row] = await guard(sql<UserRow[]>`
        select uuid, handle, display_name, cognito_user_id from users where lower(handle) = lower(${handle})`)
      return row && toInternal(row)
    },

    async findInternalBySub(sub: string): Promise<InternalUser | undefined> {
      const [row] = await guard(sql<UserRow[]>`
        select uuid, handle, display_name, cognito_user_id from users where cognito_user_id = ${sub}`)
      return row && toInternal(row)
    },

    /** Several users by uuid in one statement; unknown uuids are simply absent. */
    async findInternalByUuids(uuids: readonly string[]): Promise<InternalUser[]> {
      if (uuids.length === 0) return []
      const rows = await guard(sql<UserRow[]>`
        select uuid, handle, display_name, cognito_user_id from users
        where uuid = any(${[...uuids]}::uuid[])
        order by handle`)
      return rows.map(toInternal)
    },

    /** Inserts the user unless its handle or email exists already; true when it was inserted. */
    async insertIfAbsent(user: NewUser): Promise<boolean> {
      const rows = await guard(sql`
        insert into users (display_name, handle, email, cognito_user_id)
        values (${user.display_name}, ${user.handle}, ${user.email}, ${user.cognito_user_id})
        on conflict do nothing
        returning uuid`)
      return rows.length === 1
    },

    // --- The Cognito sync's statements: each one covers a whole page of Cognito users. ---

    /** Every row a page of Cognito users could touch: by sub, by handle, by email. */
    async syncCandidates(subs: string[], lowerHandles: string[], lowerEmails: string[]): Promise<SyncRow[]> {
      return guard(sql<SyncRow[]>`
        select uuid, handle, email, cognito_user_id from users
        where cognito_user_id = any(${subs}::text[])
           or lower(handle) = any(${lowerHandles}::text[])
           or lower(email) = any(${lowerEmails}::text[])`)
    },

    /**
     * One statement for the page's writes: links/renames (UPDATE ... FROM unnest) and new users
     * (INSERT ... SELECT unnest ... ON CONFLICT DO NOTHING). An update only touches a row that
     * is still unlinked or linked to the same sub, so a concurrent link is never overwritten.
     */
    async applySyncPage(
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
    },

    /** Linked rows whose sub is not among `subs` (every sub of the pool): the orphans. */
    async linkedOutside(subs: string[]): Promise<{ handle: string; cognito_user_id: string }[]> {
      // An anti-join against the unnested array (hashable), not `<> all(...)` (rows x subs).
      return guard(sql<{ handle: string; cognito_user_id: string }[]>`
        select u.handle, u.cognito_user_id from users u
        left join unnest(${subs}::text[]) as s(sub) on s.sub = u.cognito_user_id
        where u.cognito_user_id is not null and s.sub is null
        order by u.handle`)
    },

    /** Every row's handle and display name, a page at a time (for the rules check; reads only). */
    async *namePages(pageSize = 1000): AsyncGenerator<Pick<UserRow, 'uuid' | 'handle' | 'display_name'>[]> {
      const cursor = sql<Pick<UserRow, 'uuid' | 'handle' | 'display_name'>[]>`
        select uuid, handle, display_name from users order by lower(handle)`.cursor(pageSize)
      for await (const rows of cursor) yield rows
    },

    async count(): Promise<number> {
      const [row] = await guard(sql<{ n: number }[]>`select count(*)::int as n from users`)
      return row?.n ?? 0
    },

    /**
     * The confirmed Cognito user, inserted idempotently: a repeat of the same event is fine,
     * an unlinked row with the same handle gets linked only under the rule of directory/identity.ts
     * (a seeded user whose verified e-mail it is), and a handle, email or sub owned by somebody else
     * is a conflict, never an overwrite.
     */
    async confirmCognitoUser(
      user: NewCognitoUser,
      identity: CognitoIdentity,
    ): Promise<PostConfirmationOutcome> {
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
        const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
        const bySub = rows.find((r) => r.cognito_user_id === user.cognito_user_id)
        if (bySub) {
          if (same(bySub.handle, user.handle)) return { kind: 'repeat', user: toUser(bySub) }
          return {
            kind: 'conflict',
            code: 'sub_taken',
            detail: `Cognito user ${user.cognito_user_id} is already registered as @${bySub.handle}`,
          }
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
          return {
            kind: 'conflict',
            code: 'handle_taken',
            ...(refusal ? { reason: refusal.kind } : {}),
            detail: `The handle @${user.handle} is taken`,
          }
        }
        if (rows.some((r) => same(r.email, user.email)))
          return {
            kind: 'conflict',
            code: 'email_taken',
            detail: 'The email address belongs to another user',
          }
        // The row that blocked the insert is gone again (deleted meanwhile): try once more.
      }
      return { kind: 'conflict', code: 'handle_taken', detail: `The handle @${user.handle} is contended` }
    },
  }
}

export type UsersRepository = ReturnType<typeof createUsersRepository>
