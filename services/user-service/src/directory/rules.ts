/**
 * The directory's rules for what a user may be called (docs/api.md: handles and display names), applied wherever a
 * user enters the directory: post-confirmation, the sync, the seed.
 * - A handle is 1–32 characters of [A-Za-z0-9_]: no look-alike letters, no control, bidi or markup.
 * - A display name is 1–100 characters (code points) with no control or format (bidi) characters,
 *   and no line or paragraph separator (they break a line as a newline does).
 */
const HANDLE = /^[A-Za-z0-9_]{1,32}$/
const DISPLAY_NAME_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u

export const HANDLE_RULE = 'a handle is 1-32 characters of A-Z, a-z, 0-9 and _'
export const DISPLAY_NAME_RULE =
  'a display name is 1-100 characters with no control, format (bidi) or line-separator characters'

export const isValidHandle = (handle: string): boolean => HANDLE.test(handle)

export function isValidDisplayName(name: string): boolean {
  const length = [...name].length
  return length >= 1 && length <= 100 && name.trim().length > 0 && !DISPLAY_NAME_FORBIDDEN.test(name)
}

/** Which rule a would-be user breaks, if any: the handle first, then the display name. */
export function ruleBroken(user: {
  handle: string
  display_name: string
}): 'invalid_handle' | 'invalid_display_name' | null {
  if (!isValidHandle(user.handle)) return 'invalid_handle'
  if (!isValidDisplayName(user.display_name)) return 'invalid_display_name'
  return null
}

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu
/**
 * Text made safe for a terminal line: every control, format (bidi), separator or lone surrogate
 * character becomes a JSON-style `\uXXXX` escape (per UTF-16 unit), so a stored name can neither
 * forge a line, ring a bell, nor reorder what follows it; JSON output stays valid JSON.
 */
export function escapeControl(text: string): string {
  return text.replace(UNPRINTABLE, (ch) =>
    [...ch].length === 1 && ch.length === 2
      ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}\\u${ch.charCodeAt(1).toString(16).padStart(4, '0')}`
      : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}
