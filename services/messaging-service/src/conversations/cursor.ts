import { createHmac, timingSafeEqual } from 'node:crypto'
import { InvalidCursorError } from './errors.js'
import type { TableKey } from './keys.js'

/**
 * Cursors are base64url of the LastEvaluatedKey plus an HMAC over (scope, key) with the cursor
 * secret, so a cursor only works for the caller and the list it came from. The previous secret
 * is still accepted while a rotation runs; new cursors are always signed with the current one.
 */
export interface CursorSecrets {
  current: string
  previous?: string | undefined
}

export interface CursorBinding {
  secrets: CursorSecrets
  /** e.g. `messages:<caller>:<conversation>` or `groups:<caller>` */
  scope: string
}

const MAC_BYTES = 16

const mac = (secret: string, scope: string, payload: string) =>
  createHmac('sha256', secret).update(`${scope}\n${payload}`).digest().subarray(0, MAC_BYTES)

export function encodeCursor(key: TableKey, binding: CursorBinding): string {
  const m = mac(binding.secrets.current, binding.scope, JSON.stringify(key)).toString('base64url')
  return Buffer.from(JSON.stringify({ k: key, m })).toString('base64url')
}

function parse(cursor: string): { key: TableKey; given: Buffer } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      k?: unknown
      m?: unknown
    }
    if (!parsed || typeof parsed !== 'object' || typeof parsed.m !== 'string') return undefined
    const key = parsed.k
    if (!key || typeof key !== 'object' || Array.isArray(key)) return undefined
    const entries = Object.entries(key as Record<string, unknown>)
    if (entries.length === 0 || entries.some(([, v]) => typeof v !== 'string')) return undefined
    return { key: key as TableKey, given: Buffer.from(parsed.m, 'base64url') }
  } catch {
    return undefined
  }
}

/** The key inside a cursor, or undefined when it is malformed, forged, or from another list, caller or secret. */
export function decodeCursor(cursor: string, binding: CursorBinding): TableKey | undefined {
  const parsed = parse(cursor)
  if (!parsed || parsed.given.length !== MAC_BYTES) return undefined
  const payload = JSON.stringify(parsed.key)
  const secrets = [binding.secrets.current, binding.secrets.previous].filter((s): s is string => !!s)
  const signedBy = secrets.find((secret) =>
    timingSafeEqual(parsed.given, mac(secret, binding.scope, payload)),
  )
  return signedBy ? parsed.key : undefined
}

/** The key a list resumes after: none without a cursor, InvalidCursorError for one this list did not sign. */
export function resumeAfter(cursor: string | undefined, binding: CursorBinding): TableKey | undefined {
  if (cursor === undefined) return undefined
  const key = decodeCursor(cursor, binding)
  if (!key) throw new InvalidCursorError()
  return key
}
