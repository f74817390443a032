import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { type LoadSummary, summarize } from './stats.js'

/** The raw outcome of one closed-loop run, before it is summarised (runs can be merged). */
export interface LoadRun {
  concurrency: number
  latencies: number[]
  durationMs: number
  errors: number
  /** Requests started (answered + still in flight when the run stopped). */
  sent: number
  statuses: Record<string, number>
}

export interface HttpLoadOptions {
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** Per-request overrides (e.g. a body that changes per request). */
  requests?: autocannon.Request[]
  concurrency: number
  durationS: number
}

/**
 * Closed-loop HTTP load with autocannon: `concurrency` keep-alive connections, one request in
 * flight each. Latencies are taken from autocannon's per-response timings (sub-millisecond,
 * unlike its integer histogram) so both paths share one percentile method. Non-2xx answers
 * count as errors and are left out of the latencies.
 */
export async function httpLoad(options: HttpLoadOptions): Promise<LoadRun> {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let errors = 0
  const started = performance.now()
  let instance: autocannon.Instance | undefined
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.requests ? { requests: options.requests } : {}),
        connections: options.concurrency,
        pipelining: 1,
        duration: options.durationS,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
  })
  instance?.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
    else errors++
  })
  const result = await done
  return {
    concurrency: options.concurrency,
    latencies,
    durationMs: performance.now() - started,
    errors: errors + result.errors,
    sent: result.requests.sent,
    statuses,
  }
}

/**
 * The same closed loop for an in-process call (the raw SDK baseline): `concurrency` workers,
 * each awaiting `call()` back to back until the duration is over.
 */
export async function callLoad(
  call: () => Promise<unknown>,
  { concurrency, durationS }: { concurrency: number; durationS: number },
): Promise<LoadRun> {
  const latencies: number[] = []
  let errors = 0
  let firstError: unknown
  const started = performance.now()
  const deadline = started + durationS * 1000
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now()
      try {
        await call()
        latencies.push(performance.now() - t0)
      } catch (error) {
        errors++
        firstError ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  if (errors > 0 && latencies.length === 0) throw firstError
  return {
    concurrency,
    latencies,
    durationMs: performance.now() - started,
    errors,
    sent: latencies.length + errors,
    statuses: {},
  }
}

/** Merges runs of the same load (e.g. the two halves of an ABBA sequence) into one summary. */
export function mergeRuns(runs: LoadRun[]): LoadSummary & { sent: number; statuses: Record<string, number> } {
  const statuses: Record<string, number> = {}
  for (const run of runs)
    for (const [code, n] of Object.entries(run.statuses)) statuses[code] = (statuses[code] ?? 0) + n
  return {
    ...summarize(
      runs.flatMap((r) => r.latencies),
      {
        concurrency: runs[0]?.concurrency ?? 0,
        durationMs: runs.reduce((a, r) => a + r.durationMs, 0),
        errors: runs.reduce((a, r) => a + r.errors, 0),
      },
    ),
    sent: runs.reduce((a, r) => a + r.sent, 0),
    statuses,
  }
}
