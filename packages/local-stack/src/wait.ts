import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls `probe` until it resolves, or fails with a message naming what never answered.
 * The last probe error is kept as the cause so a stuck engine can be diagnosed.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<unknown>,
  { timeoutMs = 60_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      await probe()
      return
    } catch (error) {
      lastError = error
    }
    await sleep(intervalMs)
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError)
  throw new Error(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s (last error: ${reason})`, {
    cause: lastError,
  })
}
