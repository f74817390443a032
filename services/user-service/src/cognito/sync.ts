import {
  type CognitoIdentityProviderClient,
  paginateListUsers,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider'
import type { SyncConflict, SyncReport } from '@cruddur/types'
import { type CognitoIdentity, linkRefusal } from '../directory/identity.js'
import { DISPLAY_NAME_RULE, HANDLE_RULE, isValidDisplayName, isValidHandle } from '../directory/rules.js'
import type { NewCognitoUser, SyncRow, SyncUpdate, UsersRepository } from '../repositories/users.js'

/** A Cognito user as the sync needs it (ListUsers attributes, flattened). */
export interface CognitoUserRecord extends CognitoIdentity {
  username: string
  sub: string | null
  handle: string | null
  name: string | null
}

export function toRecord(user: UserType): CognitoUserRecord {
  const attr = (name: string) => {
    const value = user.Attributes?.find((a) => a.Name === name)?.Value?.trim()
    return value ? value : null
  }
  return {
    username: user.Username ?? '',
    sub: attr('sub'),
    handle: attr('preferred_username'),
    email: attr('email'),
    emailVerified: attr('email_verified') === 'true',
    name: attr('name'),
    status: user.UserStatus ?? null,
    // ListUsers always says; a user of unknown state is not one to link.
    enabled: user.Enabled === true,
  }
}

/** ListUsers limit: Cognito allows at most 60 per page. */
export const COGNITO_PAGE_SIZE = 60

/** Every page of the pool, through the SDK's paginator (follows PaginationToken to the end). */
export async function* cognitoUserPages(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  pageSize = COGNITO_PAGE_SIZE,
): AsyncGenerator<CognitoUserRecord[]> {
  for await (const page of paginateListUsers({ client, pageSize }, { UserPoolId: userPoolId })) {
    yield (page.Users ?? []).map(toRecord)
  }
}

/** What the sync remembers between pages: which handles and emails this run has given out. */
export interface SyncState {
  seenSubs: Set<string>
  /** lower(handle) → Cognito username that holds it in this run */
  claimedHandles: Map<string, string>
  /** lower(email) → Cognito username that holds it in this run */
  claimedEmails: Map<string, string>
}

export const newSyncState = (): SyncState => ({
  seenSubs: new Set(),
  claimedHandles: new Map(),
  claimedEmails: new Map(),
})

export interface PagePlan {
  updates: SyncUpdate[]
  inserts: NewCognitoUser[]
  unchanged: number
  conflicts: SyncConflict[]
}

const lower = (s: string) => s.toLowerCase()

/**
 * Decides, without touching anything, what one page of Cognito users means for the rows that
 * page could touch (`rows`): the matching rules of docs/api.md (handles are case-insensitive).
 * - a row linked to the sub: unchanged, or renamed to the Cognito handle if that is free;
 * - else an unlinked row with the handle (case-insensitive): linked (and given Cognito's spelling),
 *   but only to a CONFIRMED, enabled user whose verified e-mail is the row's (directory/identity.ts);
 * - else a new row from name, email, preferred_username, sub, if the email is free, the user has
 *   confirmed the sign-up and handle and name keep the rules (directory/rules.ts).
 * Everything else is a conflict, reported by name and never applied.
 */
export function planPage(users: CognitoUserRecord[], rows: SyncRow[], state: SyncState): PagePlan {
  const plan: PagePlan = { updates: [], inserts: [], unchanged: 0, conflicts: [] }
  const conflict = (kind: SyncConflict['kind'], user: CognitoUserRecord, detail: string) =>
    plan.conflicts.push({ kind, username: user.username, handle: user.handle, detail })
  const bySub = new Map(rows.filter((r) => r.cognito_user_id).map((r) => [r.cognito_user_id as string, r]))
  const byHandle = new Map(rows.map((r) => [lower(r.handle), r]))
  const byEmail = new Map(rows.map((r) => [lower(r.email), r]))

  for (const user of users) {
    if (!user.sub) {
      conflict('missing_sub', user, 'the Cognito user has no sub attribute')
      continue
    }
    state.seenSubs.add(user.sub)
    const handle = user.handle
    if (!handle) {
      conflict('missing_preferred_username', user, 'the Cognito user has no preferred_username')
      continue
    }
    if (!isValidHandle(handle)) {
      conflict('invalid_handle', user, `preferred_username breaks the rule (${HANDLE_RULE})`)
      continue
    }
    const key = lower(handle)
    const claimant = state.claimedHandles.get(key)
    if (claimant !== undefined && claimant !== user.username) {
      conflict('duplicate_handle', user, `the handle is also claimed by Cognito user "${claimant}"`)
      continue
    }
    const linked = bySub.get(user.sub)
    if (linked) {
      if (linked.handle === handle) {
        plan.unchanged++
      } else {
        const holder = byHandle.get(key)
        if (holder && holder.uuid !== linked.uuid) {
          conflict(
            'duplicate_handle',
            user,
            `cannot rename @${linked.handle}: @${holder.handle} belongs to another user`,
          )
          continue
        }
        plan.updates.push({ uuid: linked.uuid, handle, cognito_user_id: user.sub })
      }
      state.claimedHandles.set(key, user.username)
      continue
    }
    const holder = byHandle.get(key)
    if (holder) {
      if (holder.cognito_user_id !== null) {
        conflict(
          'duplicate_handle',
          user,
          `@${holder.handle} is linked to another Cognito user (sub ${holder.cognito_user_id})`,
        )
        continue
      }
      const refusal = linkRefusal(user, holder.email)
      if (refusal) {
        conflict(refusal.kind, user, `@${holder.handle} has no Cognito account yet, but ${refusal.detail}`)
        continue
      }
      plan.updates.push({ uuid: holder.uuid, handle, cognito_user_id: user.sub })
      state.claimedHandles.set(key, user.username)
      continue
    }
    if (!user.email) {
      conflict('missing_email', user, 'a new user needs an email and the Cognito user has none')
      continue
    }
    if (user.status === 'UNCONFIRMED') {
      conflict('unverified', user, 'the Cognito user has not confirmed the sign-up yet: added once confirmed')
      continue
    }
    const displayName = user.name ?? handle
    if (!isValidDisplayName(displayName)) {
      conflict('invalid_display_name', user, `name breaks the rule (${DISPLAY_NAME_RULE})`)
      continue
    }
    const emailKey = lower(user.email)
    const emailClaimant = state.claimedEmails.get(emailKey)
    const emailOwner = byEmail.get(emailKey)
    if (emailOwner || (emailClaimant !== undefined && emailClaimant !== user.username)) {
      const owner = emailOwner ? `@${emailOwner.handle}` : `Cognito user "${emailClaimant}"`
      conflict('email_taken', user, `the email address belongs to ${owner}`)
      continue
    }
    plan.inserts.push({
      display_name: displayName,
      handle,
      email: user.email,
      cognito_user_id: user.sub,
    })
    state.claimedHandles.set(key, user.username)
    state.claimedEmails.set(emailKey, user.username)
  }
  return plan
}

export type SyncStore = Pick<UsersRepository, 'syncCandidates' | 'applySyncPage' | 'linkedOutside'>

export interface SyncOptions {
  store: SyncStore
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
  const { store, dryRun = false } = options
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
      const rows = await store.syncCandidates(
        present(users.map((u) => u.sub)),
        present(users.map((u) => u.handle && lower(u.handle))),
        present(users.map((u) => u.email && lower(u.email))),
      )
      const plan = planPage(users, rows, state)
      report.unchanged += plan.unchanged
      report.conflictDetails.push(...plan.conflicts)
      if (dryRun) {
        report.updated += plan.updates.length
        report.created += plan.inserts.length
      } else if (plan.updates.length > 0 || plan.inserts.length > 0) {
        report.sqlStatements++
        const written = await store.applySyncPage(plan.updates, plan.inserts)
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
  report.orphans = await store.linkedOutside([...state.seenSubs])
  report.orphaned = report.orphans.length
  report.conflicts = report.conflictDetails.length
  report.durationMs = Math.round(performance.now() - started)
  return report
}
