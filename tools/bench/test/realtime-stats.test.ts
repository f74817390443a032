import t from 'tap'
import {
  matchDeliveries,
  openFilesLimit,
  openLoopSchedule,
  perStreamKiB,
  SseSplitter,
} from '../src/realtime-stats.js'

t.test('the SSE splitter joins blocks split over chunks and splits chunks holding several', async (t) => {
  const s = new SseSplitter()
  t.same(s.push('id: a\nretry: 2000\n'), [], 'no block before its blank line')
  t.same(s.push('\n: ping\nid: b\n\nevent: message\nda'), [
    { comments: 0, id: 'a', retry: 2000 },
    { comments: 1, id: 'b' },
  ])
  t.same(s.push('ta: {"uuid":"u1"}\r\ndata: x\r\n\r\n'), [
    { comments: 0, event: 'message', data: '{"uuid":"u1"}\nx' },
  ])
  t.same(s.push('retry: soon\nfield\n\n'), [{ comments: 0 }], 'a bad retry and a bare field are ignored')
})

t.test('the open-loop schedule is fixed intervals at the rate, whatever the duration', async (t) => {
  t.same(openLoopSchedule(4, 1), [0, 250, 500, 750])
  t.equal(openLoopSchedule(200, 5).length, 1000)
  t.equal(openLoopSchedule(200, 5).at(-1), 4995)
  t.same(openLoopSchedule(3, 1), [0, 333.333, 666.667])
  t.same(openLoopSchedule(0, 5), [])
  t.same(openLoopSchedule(50, 0), [])
})

t.test('matching counts missed, duplicate and unexpected events and keeps negative latencies', async (t) => {
  const sends = new Map([
    ['a', 100],
    ['b', 200],
    ['c', 300],
    ['d', 400],
  ])
  const r = matchDeliveries(sends, [
    { uuid: 'a', at: 103 },
    { uuid: 'b', at: 199 }, // read before the send's answer was
    { uuid: 'a', at: 110 }, // the same message again
    { uuid: 'x', at: 150 }, // no send of this run
    { uuid: 'c', at: 310 },
  ])
  t.same(r, {
    sends: 4,
    delivered: 3,
    missed: 1,
    duplicates: 1,
    unexpected: 1,
    negative: 1,
    p50Ms: 3,
    p99Ms: 10,
    minMs: -1,
    maxMs: 10,
  })
})

t.test('matching nothing: every send missed, percentiles 0', async (t) => {
  const r = matchDeliveries(new Map([['a', 1]]), [])
  t.equal(r.missed, 1)
  t.equal(r.delivered, 0)
  t.equal(r.p99Ms, 0)
})

t.test('memory per stream in KiB, or null when it cannot be formed', async (t) => {
  t.equal(perStreamKiB(100_000, 140_000, 2000), 20)
  t.equal(perStreamKiB(100_000, 99_000, 1000), -1, 'a shrink is reported as measured')
  t.equal(perStreamKiB(1, 2, 0), null)
  t.equal(perStreamKiB(Number.NaN, 2, 10), null)
})

t.test('the open-files limit is the soft value of /proc/<pid>/limits', async (t) => {
  const limits =
    'Limit                     Soft Limit           Hard Limit           Units     \n' +
    'Max processes             127573               127573               processes \n' +
    'Max open files            20000                1048576              files     \n'
  t.equal(openFilesLimit(limits), 20000)
  t.equal(openFilesLimit(limits.replace('20000 ', 'unlimited ')), null)
  t.equal(openFilesLimit(''), null)
})
