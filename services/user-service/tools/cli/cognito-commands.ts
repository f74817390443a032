import type { SyncReport } from '@cruddur/types'
import { cognitoUserPages, syncCognitoUsers } from '@cruddur/user-service/directory'
import type { Command, Context, Flags } from './command.js'
import { printTable, withDb, withPool } from './command.js'

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

function runSync(flags: Flags, { io, config }: Context): Promise<SyncReport> {
  return withPool(config, ({ client, userPoolId }) =>
    withDb(config, (sql) =>
      syncCognitoUsers({
        sql,
        pages: cognitoUserPages(client, userPoolId),
        dryRun: flags['dry-run'] === true,
        onProgress: ({ pages, users }) => io.progress?.(`syncing: page ${pages}, ${users} Cognito users`),
      }),
    ),
  )
}

/** The commands that read the Cognito user pool. */
export const cognitoCommands: Record<string, Command> = {
  'cognito:list-users': {
    summary: 'List every user of the pool (all pages): handle, sub, email, status',
    needs: ['cognito'],
    async run(_flags, { io, config }) {
      const rows: string[][] = []
      await withPool(config, async ({ client, userPoolId }) => {
        for await (const page of cognitoUserPages(client, userPoolId)) {
          for (const u of page)
            rows.push([
              u.handle ?? '(none)',
              u.sub ?? '',
              u.email ?? '',
              `${u.status ?? ''}${u.enabled ? '' : ' (disabled)'}`,
            ])
        }
      })
      rows.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))
      io.out(`${rows.length} user(s) in pool ${config.COGNITO_USER_POOL_ID}`)
      if (rows.length > 0) printTable(io, ['handle', 'sub', 'email', 'status'], rows)
    },
  },
  'cognito:sync': {
    summary:
      'Bring the users table in step with the pool; prints created/updated/unchanged/orphaned/conflicts',
    flags: { 'dry-run': 'report what would change without writing', json: 'print the report as JSON' },
    needs: ['database', 'cognito'],
    async run(flags, ctx) {
      const report = await runSync(flags, ctx)
      // One line per call: JSON.stringify escapes the newlines inside strings, so none is lost.
      if (flags.json === true)
        for (const line of JSON.stringify(report, null, 2).split('\n')) ctx.io.out(line)
      else for (const line of formatSyncReport(report)) ctx.io.out(line)
    },
  },
}
