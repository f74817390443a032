/** Percent-decoding rounds we follow (`%252e` is `%2e` is `.`); a path still encoded deeper is refused. */
const MAX_DECODE_ROUNDS = 3

/** Backslashes (read as `/` by some servers), NUL and other control characters. */
function hasForbiddenCharacter(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i)
    if (code < 0x20 || code === 0x7f || code === 0x5c) return true
  }
  return false
}

/**
 * Whether a request path may be routed at all. Refused: anything that names `/internal` at the
 * top once decoded (`/internal%2F…`, `/%69nternal`), dot segments (`/api/../internal`,
 * `..%2F`, `%2e%2e`, `..;`), empty segments (`//internal`), backslashes, control characters and
 * undecodable escapes. Legitimate paths (handles, uuids, fixed words) never contain any of
 * these, so refusing them costs nothing and no upstream ever has to normalise a path from us.
 */
export function isRoutablePath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? ''
  let decoded = path
  for (let round = 0; ; round++) {
    let next: string
    try {
      next = decodeURIComponent(decoded)
    } catch {
      return false
    }
    if (next === decoded) break
    if (round === MAX_DECODE_ROUNDS) return false
    decoded = next
  }
  if (hasForbiddenCharacter(decoded)) return false
  const segments = decoded.split('/')
  if (segments[0] !== '') return false
  if (segments.slice(1, -1).some((s) => s === '')) return false
  // `..;x` is a dot segment to servers that strip path parameters (Tomcat, Spring).
  if (segments.some((s) => ['.', '..'].includes(s.split(';', 1)[0] ?? ''))) return false
  return segments[1]?.toLowerCase() !== 'internal'
}
