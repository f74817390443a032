import t from 'tap'
import { callLoad, mergeRuns } from '../src/load.js'
import { table } from '../src/report.js'
import { percentile, ratio, summarize } from '../src/stats.js'

t.test('percentile is nearest-rank', async (t) => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1)
  t.equal(percentile(sorted, 50), 50)
  t.equal(percentile(sorted, 99), 99)
  t.equal(percentile(sorted, 100), 100)
  t.equal(percentile(sorted, 0), 1)
  t.equal(percentile([], 50), 0)
  t.equal(percentile([7], 99), 7)
})

t.test('summarize reports throughput and latency of the samples', async (t) => {
  const s = summarize([3, 1, 2, 4], { concurrency: 2, durationMs: 2000, errors: 1 })
  t.same(s, { concurrency: 2, durationS: 2, requests: 4, errors: 1, rps: 2, p50Ms: 2, p99Ms: 4, meanMs: 2.5 })
})

t.test('ratio refuses a zero baseline instead of inventing a number', async (t) => {
  t.equal(ratio(3, 2), 1.5)
  t.equal(ratio(1, 3), 0.33)
  t.equal(ratio(1, 0), null)
  t.equal(ratio(Number.NaN, 1), null)
})

t.test('table pads columns and shows missing values as –', async (t) => {
  t.equal(table(['a', 'bb'], [[1, null]]), '| a | bb |\n|---|----|\n| 1 | –  |')
})

t.test('mergeRuns pools the samples, time and counters of several runs', async (t) => {
  const merged = mergeRuns([
    { concurrency: 4, latencies: [1, 3], durationMs: 1000, errors: 1, sent: 4, statuses: { 200: 2, 503: 1 } },
    { concurrency: 4, latencies: [2, 4], durationMs: 1000, errors: 0, sent: 2, statuses: { 200: 2 } },
  ])
  t.same(merged, {
    concurrency: 4,
    durationS: 2,
    requests: 4,
    errors: 1,
    rps: 2,
    p50Ms: 2,
    p99Ms: 4,
    meanMs: 2.5,
    sent: 6,
    statuses: { 200: 4, 503: 1 },
  })
})

t.test('callLoad runs a closed loop of `concurrency` workers for the duration', async (t) => {
  let active = 0
  let maxActive = 0
  let calls = 0
  const run = await callLoad(
    async () => {
      active++
      maxActive = Math.max(maxActive, active)
      await new Promise((resolve) => setTimeout(resolve, 5))
      active--
      if (++calls === 2) throw new Error('the second call fails')
    },
    { concurrency: 3, durationS: 0.2 },
  )
  t.equal(maxActive, 3, 'never more calls in flight than workers')
  t.ok(run.latencies.length >= 3, 'every worker completed calls')
  t.ok(calls > 3, 'kept calling until the time was up')
  t.equal(run.sent, run.latencies.length + run.errors)
  t.ok(run.errors >= 1, 'failures are counted, not timed')
  t.ok(run.durationMs >= 200)
  await t.rejects(
    callLoad(() => Promise.reject(new Error('engine down')), { concurrency: 1, durationS: 0.05 }),
    /engine down/,
    'a baseline that never succeeds is an error, not a zero',
  )
})
