import { parseArgs } from 'node:util'
import type { SyncReport } from '@cruddur/types'
import { cognitoUserPages, syncCognitoUsers } from '../cognito/sync.js'
import {
  connect,
  createDatabase,
  databaseName,
  dropDatabase,
  isLocalHost,
  listSessions,
} from '../db/admin.js'
import { migrate } from '../db/migrate.js'
import { seed } from '../db/seed.js'
import { escapeControl, ruleBroken } from '../directory/rules.js'
import { cognitoClient } from '../plugins/cognito.js'
import { createUsersRepository } from '../repositories/users.js'

export interface CliIo {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
  /** A terminal on stderr: draw the progress line there. */
  progress?: (text: string) => void
}

type Flags = Record<string, boolean | undefined>

interface Command {
  summary: string
  flags?: Record<string, string>
  needs: ('database' | 'cognito')[]
  run(flags: Flags, io: CliIo, rest: string[]): Promise<void>
}

export class CliError extends Error {}

function databaseUrl(env: CliIo['env']): string {
  const url = env.DATABASE_URL
  if (!url) throw new CliError('DATABASE_URL is not set (postgres://user:password@host:port/database)')
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new CliError('DATABASE_URL must start with postgres:// or postgresql://')
  return url
}

function cognitoPool(env: CliIo['env']) {
  const userPoolId = env.COGNITO_USER_POOL_ID
  if (!userPoolId) throw new CliError('COGNITO_USER_POOL_ID is not set')
  const client = cognitoClient({
    AWS_REGION: env.AWS_REGION || 'us-east-1',
    COGNITO_ENDPOINT: env.COGNITO_ENDPOINT,
  })
  return { client, userPoolId }
}

/** Where the database is, without the password. */
function where(url: string): string {
  const u = new URL(url)
  return `${databaseName(url)} on ${u.hostname}:${u.port || 5432}`
}

async function withDb<T>(env: CliIo['env'], fn: (sql: ReturnType<typeof connect>) => Promise<T>): Promise<T> {
  const sql = connect(databaseUrl(env))
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

const table = (headers: string[], rows: string[][]): string[] => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]
}

export function formatSyncReport(report: SyncReport): string[] {
  const lines = [
    `${report.dryRun ? 'dry run (nothing written): ' : ''}${report.cognitoUsers} Cognito user(s) in ${report.pages} page(s), ${report.sqlStatements} SQL statement(s), ${report.durationMs} ms`,
    `created ${report.created} / updated ${report.updated} / unchanged ${report.unchanged} / orphaned ${report.orphaned} / conflicts ${report.conflicts}`,
  ]
  for (const o of report.orphans)
    lines.push(`orphan: @${o.handle} is linked to sub ${o.cognito_user_id}, which is not in the pool (kept)`)
  for (const c of report.conflictDetails)
    lines.push(
      `conflict ${c.kind}: Cognito user "${c.username}"${c.handle ? ` (@${c.handle})` : ''}: ${c.detail}`,
    )
  return lines
}

async function runSync(flags: Flags, io: CliIo): Promise<SyncReport> {
  const { client, userPoolId } = cognitoPool(io.env)
  try {
    return await withDb(io.env, (sql) =>
      syncCognitoUsers({
        store: createUsersRepository({ sql }),
        pages: cognitoUserPages(client, userPoolId),
        dryRun: flags['dry-run'] === true,
        onProgress: ({ pages, users }) => io.progress?.(`syncing: page ${pages}, ${users} Cognito users`),
      }),
    )
  } finally {
    client.destroy()
  }
}

export const COMMANDS: Record<string, Command> = {
  'db:create': {
    summary: "Create DATABASE_URL's database if it does not exist (connects to the postgres maintenance db)",
    needs: ['database'],
    async run(_flags, io) {
      const url = databaseUrl(io.env)
      const { created } = await createDatabase(url)
      io.out(
        created ? `created database ${where(url)}` : `database ${where(url)} exists already, nothing to do`,
      )
    },
  },
  'db:drop': {
    summary: "Drop DATABASE_URL's database if it exists (disconnects its sessions)",
    flags: { force: 'allow a database on a non-local host' },
    needs: ['database'],
    async run(flags, io) {
      const url = databaseUrl(io.env)
      if (!isLocalHost(url) && flags.force !== true)
        throw new CliError(`refusing to drop ${where(url)}: not a local host (add --force if you mean it)`)
      const { dropped } = await dropDatabase(url)
      io.out(
        dropped ? `dropped database ${where(url)}` : `database ${where(url)} does not exist, nothing to do`,
      )
    },
  },
  'db:migrate': {
    summary: 'Apply the pending migrations (migrations/*.sql) in one transaction',
    needs: ['database'],
    async run(_flags, io) {
      const url = databaseUrl(io.env)
      const result = await withDb(io.env, (sql) => migrate(sql))
      for (const file of result.applied) io.out(`applied ${file}`)
      io.out(
        result.applied.length > 0
          ? `migrated ${where(url)}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`
          : `${where(url)} is up to date (${result.alreadyApplied.length} migration(s) applied before), nothing to do`,
      )
    },
  },
  'db:seed': {
    summary: 'Insert the demo users (andrewbrown, bayko, londo) that are missing',
    needs: ['database'],
    async run(_flags, io) {
      const { inserted, present, rejected } = await withDb(io.env, (sql) => seed(sql))
      if (inserted.length > 0) io.out(`inserted ${inserted.map((h) => `@${h}`).join(', ')}`)
      if (present.length > 0) io.out(`already present: ${present.map((h) => `@${h}`).join(', ')}`)
      for (const r of rejected) io.out(`rejected @${r.handle}: ${r.rule}, not inserted`)
    },
  },
  'db:check': {
    summary: 'Report stored users whose handle or display name breaks the rules (changes nothing)',
    needs: ['database'],
    async run(_flags, io) {
      let rows = 0
      let broken = 0
      await withDb(io.env, async (sql) => {
        for await (const page of createUsersRepository({ sql }).namePages()) {
          rows += page.length
          for (const row of page) {
            const rule = ruleBroken(row)
            if (!rule) continue
            broken++
            io.out(`${rule}: @${row.handle} (${row.uuid}), display name "${row.display_name}" (kept)`)
          }
        }
      })
      io.out(`${rows} user(s) checked, ${broken} break the handle or display-name rules`)
    },
  },
  'db:setup': {
    summary: 'Drop, create, migrate and seed the database (a fresh start)',
    flags: { force: 'allow a database on a non-local host' },
    needs: ['database'],
    async run(flags, io, rest) {
      for (const step of ['db:drop', 'db:create', 'db:migrate', 'db:seed'] as const) {
        await (COMMANDS[step] as Command).run(flags, io, rest)
      }
    },
  },
  'db:sessions': {
    summary: "List the open connections to DATABASE_URL's database",
    needs: ['database'],
    async run(_flags, io) {
      const url = databaseUrl(io.env)
      const { sessions } = await listSessions(url)
      io.out(`${sessions.length} open connection(s) to ${where(url)}`)
      if (sessions.length === 0) return
      const rows = sessions.map((s) => [
        String(s.pid),
        s.usename ?? '',
        s.application_name || '-',
        s.client_addr ?? 'local',
        s.state ?? '',
        s.backend_start ? s.backend_start.toISOString() : '',
        s.query,
      ])
      for (const line of table(
        ['pid', 'user', 'application', 'client', 'state', 'since', 'last query'],
        rows,
      ))
        io.out(line)
    },
  },
  'cognito:list-users': {
    summary: 'List every user of the pool (all pages): handle, sub, email, status',
    needs: ['cognito'],
    async run(_flags, io) {
      const { client, userPoolId } = cognitoPool(io.env)
      const rows: string[][] = []
      try {
        for await (const page of cognitoUserPages(client, userPoolId)) {
          for (const u of page)
            rows.push([
              u.handle ?? '(none)',
              u.sub ?? '',
              u.email ?? '',
              `${u.status ?? ''}${u.enabled ? '' : ' (disabled)'}`,
            ])
        }
      } finally {
        client.destroy()
      }
      rows.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))
      io.out(`${rows.length} user(s) in pool ${userPoolId}`)
      if (rows.length > 0) for (const line of table(['handle', 'sub', 'email', 'status'], rows)) io.out(line)
    },
  },
  'cognito:sync': {
    summary:
      'Bring the users table in step with the pool; prints created/updated/unchanged/orphaned/conflicts',
    flags: { 'dry-run': 'report what would change without writing', json: 'print the report as JSON' },
    needs: ['database', 'cognito'],
    async run(flags, io) {
      const report = await runSync(flags, io)
      // One line per call: JSON.stringify escapes the newlines inside strings, so none is lost.
      if (flags.json === true) for (const line of JSON.stringify(report, null, 2).split('\n')) io.out(line)
      else for (const line of formatSyncReport(report)) io.out(line)
    },
  },
}

const ENV_NEEDS: Record<'database' | 'cognito', string> = {
  database: 'DATABASE_URL',
  cognito: 'COGNITO_USER_POOL_ID, AWS_REGION, COGNITO_ENDPOINT (unset = real AWS)',
}

export function usage(): string[] {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length))
  return [
    'usage: node dist/cli/index.js <command> [--help] [flags]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ]
}

export function commandHelp(name: string, command: Command): string[] {
  const lines = [
    `usage: node dist/cli/index.js ${name}${command.flags ? ' [flags]' : ''}`,
    '',
    command.summary,
    '',
  ]
  if (command.flags) {
    lines.push('flags:')
    for (const [flag, text] of Object.entries(command.flags)) lines.push(`  --${flag}  ${text}`)
  }
  lines.push(`environment: ${command.needs.map((n) => ENV_NEEDS[n]).join('; ')}`)
  return lines
}

/**
 * Runs one command; answers the process exit code (0 done, 1 failed, 2 usage error). Every line it
 * prints has its control, bidi and separator characters escaped: stored names are user input.
 */
export async function runCli(argv: string[], terminal: CliIo): Promise<number> {
  const io: CliIo = {
    env: terminal.env,
    out: (line) => terminal.out(escapeControl(line)),
    err: (line) => terminal.err(escapeControl(line)),
    ...(terminal.progress ? { progress: (text: string) => terminal.progress?.(escapeControl(text)) } : {}),
  }
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    for (const line of usage()) io.out(line)
    return name ? 0 : 2
  }
  const command = COMMANDS[name]
  if (!command) {
    io.err(`unknown command "${name}"`)
    for (const line of usage()) io.err(line)
    return 2
  }
  let flags: Flags
  try {
    const options = Object.fromEntries(
      [...Object.keys(command.flags ?? {}), 'help'].map((f) => [f, { type: 'boolean' as const }]),
    )
    flags = parseArgs({ args: rest, options, allowPositionals: false, strict: true }).values as Flags
  } catch (error) {
    io.err(`${name}: ${(error as Error).message}`)
    for (const line of commandHelp(name, command)) io.err(line)
    return 2
  }
  if (flags.help) {
    for (const line of commandHelp(name, command)) io.out(line)
    return 0
  }
  try {
    await command.run(flags, io, rest)
    return 0
  } catch (error) {
    const message = error instanceof CliError ? error.message : describe(error)
    io.err(`${name} failed: ${message}`)
    return 1
  }
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; name?: string }
  if (e.code === 'ECONNREFUSED') return 'cannot connect (is the database / Cognito endpoint running?)'
  if (e.code === '3D000') return `${e.message} (run db:create first)`
  if (e.code === '42P01') return `${e.message} (run db:migrate first)`
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(error)}`
}
