import type { SyncConflict } from '@cruddur/types'
import type { CognitoUserRecord } from '../cognito/pages.js'
import { linkRefusal } from './identity.js'
import type { NewCognitoUser, SyncRow, SyncUpdate } from './rows.js'
import { DISPLAY_NAME_RULE, HANDLE_RULE, isValidDisplayName, isValidHandle } from './rules.js'

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

export const lower = (s: string) => s.toLowerCase()

/**
 * Decides, without touching anything, what one page of Cognito users means for the rows that
 * page could touch (`rows`): the matching rules of docs/api.md (handles are case-insensitive).
 * - a row linked to the sub: unchanged, or renamed to the Cognito handle if that is free;
 * - else an unlinked row with the handle (case-insensitive): linked (and given Cognito's spelling),
 *   but only to a CONFIRMED, enabled user whose verified e-mail is the row's (identity.ts);
 * - else a new row from name, email, preferred_username, sub, if the email is free, the user has
 *   confirmed the sign-up and handle and name keep the rules (rules.ts).
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
