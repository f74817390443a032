/** Refresh this long before expiry at most (Cognito's access tokens live an hour by default). */
export const REFRESH_LEAD_MAX_MS = 5 * 60_000

/**
 * Milliseconds until the tokens should be refreshed: a lead before `exp` of a fifth of the
 * token's lifetime, at most 5 minutes, so short-lived tokens (as in tests) refresh in time too.
 * `iat` and `exp` are JWT claims (seconds); 0 means "now, it is already due".
 */
export function refreshDelayMs(claims: { iat: number; exp: number }, now: number): number {
  const lifetime = Math.max(0, (claims.exp - claims.iat) * 1000)
  const lead = Math.min(REFRESH_LEAD_MAX_MS, lifetime / 5)
  return Math.max(0, Math.round(claims.exp * 1000 - lead - now))
}
