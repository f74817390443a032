import type { CognitoIdentity } from '../cognito/pages.js'

export type { CognitoIdentity }

/**
 * When a Cognito identity may be attached to a directory row that has none yet (the sync, the
 * post-confirmation route): only a CONFIRMED, enabled Cognito user whose e-mail is verified and
 * equals the row's e-mail (case-insensitively). Matching on the handle alone would let anybody who
 * signs up with somebody's handle take over their row.
 */
export type LinkRefusal = 'email_mismatch' | 'disabled' | 'unverified'

/** Why `identity` may not be linked to a row with `rowEmail`, or null when it may. */
export function linkRefusal(
  identity: CognitoIdentity,
  rowEmail: string,
): { kind: LinkRefusal; detail: string } | null {
  if (!identity.email || identity.email.toLowerCase() !== rowEmail.toLowerCase())
    return { kind: 'email_mismatch', detail: "the Cognito user's e-mail is not the row's e-mail: not linked" }
  if (!identity.enabled) return { kind: 'disabled', detail: 'the Cognito user is disabled: not linked' }
  if (identity.status !== 'CONFIRMED')
    return {
      kind: 'unverified',
      detail: `the Cognito user is ${identity.status ?? 'of unknown status'}, not CONFIRMED: not linked`,
    }
  if (!identity.emailVerified)
    return { kind: 'unverified', detail: "the Cognito user's e-mail is not verified: not linked" }
  return null
}
