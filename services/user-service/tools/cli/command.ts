import { cognitoClient } from '@cruddur/user-service/directory'
import type { CliConfig, Need } from './config.js'
import { connect, databaseName } from './database-admin.js'

export interface CliIo {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
  /** A terminal on stderr: draw the progress line there. */
  progress?: (text: string) => void
}

export type Flags = Record<string, boolean | undefined>

/** What a command runs with: its output and the environment of its needs, validated. */
export interface Context {
  io: CliIo
  config: CliConfig
}

export interface Command {
  summary: string
  flags?: Record<string, string>
  needs: Need[]
  run(flags: Flags, ctx: Context): Promise<void>
}

/** A failure the command explains itself: printed as it is, exit code 1. */
export class CliError extends Error {}

/** DATABASE_URL; runCli has validated it for every command that needs the database. */
export const databaseUrl = (config: CliConfig): string => config.DATABASE_URL

/** Where the database is, without the password. */
export function where(url: string): string {
  const u = new URL(url)
  return `${databaseName(url)} on ${u.hostname}:${u.port || 5432}`
}

export async function withDb<T>(
  config: CliConfig,
  fn: (sql: ReturnType<typeof connect>) => Promise<T>,
): Promise<T> {
  const sql = connect(databaseUrl(config))
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/** The pool and a client for it, destroyed after `fn` whatever happens. */
export async function withPool<T>(
  config: CliConfig,
  fn: (pool: { client: ReturnType<typeof cognitoClient>; userPoolId: string }) => Promise<T>,
): Promise<T> {
  const client = cognitoClient(config)
  try {
    return await fn({ client, userPoolId: config.COGNITO_USER_POOL_ID })
  } finally {
    client.destroy()
  }
}

/** Prints rows under their headers, each column as wide as its widest cell. */
export function printTable(io: CliIo, headers: string[], rows: string[][]) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  for (const cells of [headers, widths.map((w) => '-'.repeat(w)), ...rows]) io.out(line(cells))
}
