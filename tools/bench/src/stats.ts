/** Pure statistics over latency samples: the same method for the HTTP and the raw SDK paths. */

export interface LoadSummary {
  concurrency: number
  durationS: number
  requests: number
  errors: number
  rps: number
  p50Ms: number
  p99Ms: number
  meanMs: number
}

/** Nearest-rank percentile of an ascending-sorted array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  if (p <= 0) return sorted[0] as number
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(rank, sorted.length) - 1] as number
}

export function summarize(
  latenciesMs: readonly number[],
  { concurrency, durationMs, errors }: { concurrency: number; durationMs: number; errors: number },
): LoadSummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    concurrency,
    durationS: round(durationMs / 1000, 2),
    requests: sorted.length,
    errors,
    rps: round(sorted.length / (durationMs / 1000), 1),
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    meanMs: round(sorted.length ? sum / sorted.length : 0, 2),
  }
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** a ÷ b rounded, or null when the baseline is zero (a ratio that cannot be formed is not 0). */
export function ratio(a: number, b: number, digits = 2): number | null {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null
  return round(a / b, digits)
}
