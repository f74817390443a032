import postgres, { type Sql } from 'postgres'

/** A short-lived client for one CLI command (one connection, quiet notices). */
export function connect(url: string): Sql {
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10, idle_timeout: 5 })
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))
  if (!name)
    throw new Error('DATABASE_URL names no database (expected postgres://user:pass@host:port/dbname)')
  return name
}

/** The maintenance database on the same server: where CREATE/DROP DATABASE are issued from. */
export function maintenanceUrl(url: string): string {
  const parsed = new URL(url)
  parsed.pathname = '/postgres'
  return parsed.toString()
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', ''])
export const isLocalHost = (url: string) => LOCAL_HOSTS.has(new URL(url).hostname)

async function withMaintenance<T>(url: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = connect(maintenanceUrl(url))
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

async function exists(sql: Sql, name: string): Promise<boolean> {
  const rows = await sql`select 1 from pg_database where datname = ${name}`
  return rows.length > 0
}

/** Creates the database of `url` unless it exists; says which. */
export async function createDatabase(url: string): Promise<{ name: string; created: boolean }> {
  const name = databaseName(url)
  return withMaintenance(url, async (sql) => {
    if (await exists(sql, name)) return { name, created: false }
    try {
      // sql(name) quotes it as an identifier: the name is never spliced in as SQL.
      await sql`create database ${sql(name)}`
    } catch (error) {
      // Another runner created it between our check and our CREATE: the goal is reached.
      if ((error as { code?: string }).code === '42P04') return { name, created: false }
      throw error
    }
    return { name, created: true }
  })
}

/** Drops the database of `url` if it exists, disconnecting its sessions (WITH (FORCE)). */
export async function dropDatabase(url: string): Promise<{ name: string; dropped: boolean }> {
  const name = databaseName(url)
  return withMaintenance(url, async (sql) => {
    if (!(await exists(sql, name))) return { name, dropped: false }
    await sql`drop database if exists ${sql(name)} with (force)`
    return { name, dropped: true }
  })
}

export interface Session {
  pid: number
  usename: string | null
  application_name: string
  client_addr: string | null
  state: string | null
  backend_start: Date | null
  query: string
}

/** The open connections to the database of `url` (like the original's db-sessions). */
export async function listSessions(url: string): Promise<{ name: string; sessions: Session[] }> {
  const name = databaseName(url)
  return withMaintenance(url, async (sql) => {
    const sessions = await sql<Session[]>`
      select pid, usename, application_name, client_addr::text as client_addr, state, backend_start,
             left(regexp_replace(query, '\s+', ' ', 'g'), 60) as query
      from pg_stat_activity
      where datname = ${name} and pid <> pg_backend_pid()
      order by backend_start`
    return { name, sessions }
  })
}
