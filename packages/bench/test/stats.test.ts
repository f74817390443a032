import t from 'tap'
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
