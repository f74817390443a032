/**
 * The resume point a stream writes as each event's `id:` and a client sends back as
 * `Last-Event-ID`: opaque to clients, base64url JSON to us.
 *
 * - `b`: when the token was made, by the clock of the instance that made it (ms).
 * - `v`: per conversation, the seq and time of the last message delivered;
 * - `r`: per "conversation:reader", the seq and time of the last read delivered.
 *
 * Only entries newer than `b − CLOCK_TOLERANCE_MS` are kept: a conversation missing from `v`
 * had no delivered message in that window, so on resume every message of it stored since
 * `b − CLOCK_TOLERANCE_MS` is owed, and none of them was delivered before. Which messages are
 * owed is decided by seq (assigned in the send's transaction), never by comparing two clocks;
 * times only bound the window to look in, so instances whose clocks disagree by less than the
 * tolerance lose nothing and repeat nothing.
 */
export interface ResumeToken {
  b: number
  v: Record<string, [seq: number, atMs: number]>
  r: Record<string, [seq: number, atMs: number]>
}

/** How far the clocks of two instances may disagree without a resume missing or repeating an event. */
export const CLOCK_TOLERANCE_MS = 5 * 60_000
/** How long a resume point stays good: at least 24 hours back, as the read feed keeps 48. */
export const RESUME_WINDOW_MS = 24 * 3600_000

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const READ_KEY = /^([0-9a-f-]{36}):([0-9a-f-]{36})$/

export const readKey = (conversationUuid: string, readerUuid: string) => `${conversationUuid}:${readerUuid}`

export function encodeToken(token: ResumeToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url')
}

const isPosition = (value: unknown): value is [number, number] =>
  Array.isArray(value) &&
  value.length === 2 &&
  value.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)

function positions(value: unknown, key: (k: string) => boolean): ResumeToken['v'] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const out: ResumeToken['v'] = {}
  for (const [k, position] of Object.entries(value)) {
    if (!key(k) || !isPosition(position)) return undefined
    out[k] = position
  }
  return out
}

/** The token in a Last-Event-ID, or undefined when it is not one of ours (any mangling at all). */
export function decodeToken(id: string): ResumeToken | undefined {
  if (!/^[A-Za-z0-9_-]{1,16384}$/.test(id)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { b, v, r } = parsed as Record<string, unknown>
  if (typeof b !== 'number' || !Number.isSafeInteger(b) || b < 0) return undefined
  const messages = positions(v, (k) => UUID.test(k))
  const reads = positions(r, (k) => {
    const m = READ_KEY.exec(k)
    return m !== null && UUID.test(m[1] ?? '') && UUID.test(m[2] ?? '')
  })
  if (!messages || !reads) return undefined
  return { b, v: messages, r: reads }
}

/** Whether a token is too old to resume from (its window of the log may be gone). */
export const expired = (token: ResumeToken, nowMs: number) =>
  nowMs - token.b > RESUME_WINDOW_MS + CLOCK_TOLERANCE_MS

/** The token as of `nowMs`: entries that fell out of the tolerance window are dropped (see above). */
export function tokenAt(token: ResumeToken, nowMs: number): ResumeToken {
  const since = nowMs - CLOCK_TOLERANCE_MS
  const keep = (entries: ResumeToken['v']) =>
    Object.fromEntries(Object.entries(entries).filter(([, [, at]]) => at > since))
  return { b: nowMs, v: keep(token.v), r: keep(token.r) }
}
