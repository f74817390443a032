import type { MESSAGE_MAX_CHARS } from '@cruddur/types'

/** The server's limit; typed as its constant so a change there fails the typecheck here. */
export const MAX_CHARS: typeof MESSAGE_MAX_CHARS = 1024

/**
 * Length as the server counts it: Unicode code points, so an emoji or a CJK character outside
 * the BMP is one, not the two UTF-16 units `string.length` would say.
 */
export function codePoints(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

export interface LengthStatus {
  count: number
  remaining: number
  over: boolean
  blank: boolean
}

export function lengthStatus(text: string, max: number = MAX_CHARS): LengthStatus {
  const count = codePoints(text)
  return { count, remaining: max - count, over: count > max, blank: text.trim() === '' }
}
