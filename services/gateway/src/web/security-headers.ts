/**
 * The Content-Security-Policy of the page: its own scripts, styles and API only, plus the
 * Cognito endpoint it signs in with. No inline script or style (the built page has none), no
 * framing, no plugins, no `<base>` rewrites.
 */
export function contentSecurityPolicy(cognitoOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${cognitoOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** Headers of every page response (the HTML, its assets, its config). */
export const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const
