import type { SyncReport } from '@cruddur/types'
import type { Sql } from 'postgres'
import type { CognitoUserRecord } from '../cognito/pages.js'
import { lower, newSyncState, planPage } from './sync-plan.js'
import { applySyncPage, linkedOutside, syncCandidates } from './sync-statements.js'

export interface SyncOptions {
  sql: Sql
  pages: AsyncIterable<CognitoUserRecord[]>
  dryRun?: boolean
  /** Called after every page (the CLI draws a progress line on a terminal). */
  onProgress?: (progress: { pages: number; users: number }) => void
}

/**
 * Brings the user directory in step with the pool: walks every page, and per page issues one
 * SELECT of the rows it could touch and (unless nothing changes, or dry-run) one write
 * statement; at the end one SELECT finds the orphans. So 2 statements per page + 1.
 * Idempotent: a second run over an unchanged pool reports everything unchanged.
 */
export async function syncCognitoUsers(options: SyncOptions): Promise<SyncReport> {
  const started = performance.now()
  const { sql, dryRun = false } = options
  const state = newSyncState()
  const report: SyncReport = {
    dryRun,
    pages: 0,
    cognitoUsers: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    orphaned: 0,
    conflicts: 0,
    orphans: [],
    conflictDetails: [],
    sqlStatements: 0,
    durationMs: 0,
  }
  for await (const users of options.pages) {
    report.pages++
    report.cognitoUsers += users.length
    if (users.length > 0) {
      const present = <T>(values: (T | null)[]) => values.filter((v): v is T => v !== null)
      report.sqlStatements++
      const rows = await syncCandidates(
        sql,
        present(users.map((u) => u.sub)),
        present(users.map((u) => (u.handle === null ? null : lower(u.handle)))),
        present(users.map((u) => (u.email === null ? null : lower(u.email)))),
      )
      const plan = planPage(users, rows, state)
      report.unchanged += plan.unchanged
      report.conflictDetails.push(...plan.conflicts)
      if (dryRun) {
        report.updated += plan.updates.length
        report.created += plan.inserts.length
      } else if (plan.updates.length > 0 || plan.inserts.length > 0) {
        report.sqlStatements++
        const written = await applySyncPage(sql, plan.updates, plan.inserts)
        report.updated += written.updated
        report.created += written.insertedSubs.length
        // Rows that changed between our SELECT and our write (a post-confirmation meanwhile).
        const inserted = new Set(written.insertedSubs)
        for (const missed of plan.inserts.filter((i) => !inserted.has(i.cognito_user_id))) {
          report.conflictDetails.push({
            kind: 'concurrent_change',
            username: users.find((u) => u.sub === missed.cognito_user_id)?.username ?? missed.handle,
            handle: missed.handle,
            detail: 'the handle or email was taken while the sync ran; run the sync again',
          })
        }
        const skippedUpdates = plan.updates.length - written.updated
        if (skippedUpdates > 0) {
          report.conflictDetails.push({
            kind: 'concurrent_change',
            username: '(several)',
            handle: null,
            detail: `${skippedUpdates} row(s) were linked by somebody else while the sync ran; run the sync again`,
          })
        }
      }
    }
    options.onProgress?.({ pages: report.pages, users: report.cognitoUsers })
  }
  report.sqlStatements++
  report.orphans = await linkedOutside(sql, [...state.seenSubs])
  report.orphaned = report.orphans.length
  report.conflicts = report.conflictDetails.length
  report.durationMs = Math.round(performance.now() - started)
  return report
}
