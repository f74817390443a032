import { migrate, namePages, ruleBroken } from '@cruddur/user-service/directory'
import { seed } from '../seed.js'
import { CliError, type Command, databaseUrl, printTable, where, withDb } from './command.js'
import { createDatabase, dropDatabase, isLocalHost, listSessions } from './database-admin.js'

const FORCE = { force: 'allow a database on a non-local host' }

/** The commands that manage DATABASE_URL's database and its rows. */
export const databaseCommands: Record<string, Command> = {
  'db:create': {
    summary: "Create DATABASE_URL's database if it does not exist (connects to the postgres maintenance db)",
    needs: ['database'],
    async run(_flags, { io, config }) {
      const url = databaseUrl(config)
      const { created } = await createDatabase(url)
      io.out(
        created ? `created database ${where(url)}` : `database ${where(url)} exists already, nothing to do`,
      )
    },
  },
  'db:drop': {
    summary: "Drop DATABASE_URL's database if it exists (disconnects its sessions)",
    flags: FORCE,
    needs: ['database'],
    async run(flags, { io, config }) {
      const url = databaseUrl(config)
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
    async run(_flags, { io, config }) {
      const url = databaseUrl(config)
      const result = await withDb(config, (sql) => migrate(sql))
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
    async run(_flags, { io, config }) {
      const { inserted, present, rejected } = await withDb(config, (sql) => seed(sql))
      if (inserted.length > 0) io.out(`inserted ${inserted.map((h) => `@${h}`).join(', ')}`)
      if (present.length > 0) io.out(`already present: ${present.map((h) => `@${h}`).join(', ')}`)
      for (const r of rejected) io.out(`rejected @${r.handle}: ${r.rule}, not inserted`)
    },
  },
  'db:check': {
    summary: 'Report stored users whose handle or display name breaks the rules (changes nothing)',
    needs: ['database'],
    async run(_flags, { io, config }) {
      let rows = 0
      let broken = 0
      await withDb(config, async (sql) => {
        for await (const page of namePages(sql)) {
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
    flags: FORCE,
    needs: ['database'],
    async run(flags, ctx) {
      for (const step of ['db:drop', 'db:create', 'db:migrate', 'db:seed'] as const) {
        await (databaseCommands[step] as Command).run(flags, ctx)
      }
    },
  },
  'db:sessions': {
    summary: "List the open connections to DATABASE_URL's database",
    needs: ['database'],
    async run(_flags, { io, config }) {
      const url = databaseUrl(config)
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
      printTable(io, ['pid', 'user', 'application', 'client', 'state', 'since', 'last query'], rows)
    },
  },
}
