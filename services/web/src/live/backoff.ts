export const BACKOFF_BASE_MS = 500
export const BACKOFF_MAX_MS = 30_000

/**
 * Delay before reconnect attempt `attempt` (0 = the first retry): exponential, capped, with
 * jitter in the upper half so a server restart is not met by every client in the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + (ceiling / 2) * random())
}
