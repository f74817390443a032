/** A handle as the directory accepts it: 1–32 of `[A-Za-z0-9_]`. */
const HANDLE = /^[A-Za-z0-9_]{1,32}$/

/** What someone typed as a handle ("@Bayko ", "bayko"), as a handle, or null when it cannot be one. */
export function parseHandle(input: string): string | null {
  const handle = input.trim().replace(/^@/, '')
  return HANDLE.test(handle) ? handle : null
}
