import { createHmac, timingSafeEqual } from 'node:crypto'
import type { TableKey } from './keys.js'

/**
 * Cursors are base64url of the LastEvaluatedKey plus an HMAC over (purpose, caller, scope, key),
 * so a cursor only works for the caller and the list it came from; anything else is rejected.
 */
export interface CursorBinding {
  secret: string
  /** e.g. `messages:<caller>:<conversation>` or `groups:<caller>` */
  scope: string
}

const sign = (binding: CursorBinding, payload: string) =>
  createHmac('sha256', binding.secret).update(`${binding.scope}\n${payload}`).digest()

export function encodeCursor(key: TableKey, binding: CursorBinding): string {
  const payload = JSON.stringify(key)
  const mac = sign(binding, payload).subarray(0, 16).toString('base64url')
  return Buffer.from(JSON.stringify({ k: key, m: mac })).toString('base64url')
}

/** The key inside a cursor, or undefined when it is malformed, forged or from another list/caller. */
export function decodeCursor(cursor: string, binding: CursorBinding): TableKey | undefined {
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
    const expected = sign(binding, JSON.stringify(key)).subarray(0, 16)
    const given = Buffer.from(parsed.m, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    return key as TableKey
  } catch {
    return undefined
  }
}
