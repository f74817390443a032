import t from 'tap'
import * as report from '../src/report.js'
import type { PatternRow } from '../src/scenarios/capacity.js'
import type { CognitoSyncResult } from '../src/scenarios/cognito-sync.js'
import type { GrowthResult } from '../src/scenarios/growth.js'
import type { RealtimeResult } from '../src/scenarios/realtime.js'
import type { LoadPair, ServiceLoadResult } from '../src/scenarios/service-load.js'

const summary = (rps: number, p50: number, p99: number) => ({
  concurrency: 16,
  durationS: 5,
  requests: rps * 5,
  errors: 0,
  rps,
  p50Ms: p50,
  p99Ms: p99,
  meanMs: p50,
})

t.test(
  'the load table shows the service beside both baselines, the ratios and the added latency',
  async (t) => {
    const pair: LoadPair = {
      concurrency: 16,
      service: { ...summary(1000, 10, 30), sent: 5016, statuses: { 200: 5000 } },
      raw: { ...summary(2000, 5, 12), sent: 10000, statuses: {} },
      lean: { ...summary(2500, 4, 10), sent: 12500, statuses: {} },
      rpsRatio: 0.5,
      p50Ratio: 2,
      p99Ratio: 2.5,
      leanRpsRatio: 0.4,
      leanP99Ratio: 3,
      addedP50Ms: 6,
      ddbRequestsPerRequest: 1,
      ddbRequestsByOperation: { Query: 5000 },
      rawDdbRequestsPerCall: 1,
      userServiceRequestsPerRequest: 0.002,
    }
    const text = report.loadTable('Scenario 1', [pair])
    t.match(text, /^Scenario 1\n/)
    t.match(
      text,
      /\| 16 +\| 1000 +\| 2000 +\| 2500 +\| 0\.5× +\| 0\.4× +\| 10 \/ 30 +\| 5 \/ 12 +\| 4 \/ 10 +\| 6 +\| 3× +\| 1 \(1\) +\| 0\.002 +\| 0\/0\/0 +\|/,
    )
    t.match(text, /lean = the low-level client/)
  },
)

t.test('the memory table says when the peak could not be reset', async (t) => {
  const m: ServiceLoadResult = {
    read: [],
    send: [],
    exact: {
      read: {
        requests: 20,
        perRequest: 1,
        byOperation: { Query: 20 },
        userServicePerRequest: 0,
        userServiceByOperation: {},
      },
      send: {
        requests: 20,
        perRequest: 1,
        byOperation: { TransactWriteItems: 20 },
        userServicePerRequest: 0,
        userServiceByOperation: {},
      },
    },
    memory: {
      'user-service': { peakMiB: 90, rssMiB: 80, startRssMiB: 60, settledRssMiB: 63, idleRssMiB: 54 },
      'messaging-service': null,
    },
    peakResetWorked: false,
  }
  const text = report.memoryTable(m)
  t.match(text, /peak since process start/)
  t.match(text, /\| user-service +\| 60 +\| 90 +\| 80 +\| 63 +\| \+5 % +\| 54 +\| -10 % +\|/)
  t.match(text, /\| messaging-service +\| – +\| – +\| – +\| – +\| – +\| – +\| – +\|/)
})

t.test('the capacity table puts the original beside the new design', async (t) => {
  const cost = (read: number, write: number, requests: number) => ({
    requests,
    engine: { read, write },
    billed: { read, write },
    byTarget: {},
  })
  const rows: PatternRow[] = [
    {
      pattern: 'C',
      action: 'send',
      original: cost(0.5, 9, 6),
      current: cost(0, 6, 1),
      writeRatio: 1.5,
      readRatio: null,
    },
  ]
  t.match(
    report.capacityTable(rows),
    /\| C +\| send +\| 6 +\| 0\.5 R \/ 9 W +\| 1 +\| 0 R \/ 6 W +\| 0 R \/ 6 W +\| 1\.5× +\| – +\|/,
  )
})

t.test('the sync and start-up tables carry the ratios', async (t) => {
  const run = (seconds: number, statements: number) => ({ seconds, statements, detail: {} })
  const s: CognitoSyncResult = {
    users: 100,
    createdViaSdk: 10,
    sdkCreateSeconds: 1,
    seedSeconds: 1,
    link: { original: run(2, 100), service: run(0.5, 3), timeRatio: 4, statementRatio: 33.33 },
    rerun: { original: run(2, 100), service: run(0.2, 2), timeRatio: 10, statementRatio: 50 },
    cognitoLocalPages: 1,
    cli: { seconds: 1.5, statements: 3, durationMs: 1200, created: 0, updated: 100, peakRssMiB: 88.5 },
  }
  const sync = report.syncTable(s)
  t.match(sync, /of 100 users/)
  t.match(
    sync,
    /The CLI \(cognito:sync, own process, linking all 100\): 1\.5 s, 3 SQL statements, peak RSS 88\.5 MiB \(cognito-local answers the whole pool in one ListUsers page/,
  )
  t.notMatch(
    report.syncTable({ ...s, cognitoLocalPages: 2 }),
    /one ListUsers page/,
    'said only when it is so',
  )
  t.match(
    report.syncTable({ ...s, cli: { ...s.cli, peakRssMiB: null } }),
    /peak RSS – MiB/,
    'an unreadable peak is a dash, not 0',
  )
  t.match(sync, /\| link all \(unlinked rows\): user-service +\| 0\.5 +\| 3 +\| 4× +\| 33\.33× +\|/)
  const start = report.startupTable({
    cold: { readyS: 20, enginesS: 5, stopS: 1, exitCode: 0, portsFreed: true },
    warm: { readyS: 10, enginesS: 4, stopS: 1, exitCode: 0, portsFreed: false },
    warmOverCold: 0.5,
    dataDir: '/tmp/x',
  })
  t.match(start, /\| warm ÷ cold +\| 0\.5× +\|/)
  t.match(start, /\| cold \(--fresh\) +\| 20 +\| 5 +\| 1 +\| 0 +\| yes +\|/)
  t.match(start, /\| warm +\| 10 +\| 4 +\| 1 +\| 0 +\| NO +\|/, 'a stack that leaves a port taken is flagged')
})

t.test('the profile table lists the hottest functions and the areas', async (t) => {
  const text = report.profileTable('messaging-service', {
    busyMs: 100,
    byArea: [{ area: 'aws-jwt-verify', ms: 40, percent: 40 }],
    byFunction: [{ fn: 'verify jwt.js:10', area: 'aws-jwt-verify', ms: 40, percent: 40 }],
  })
  t.match(text, /messaging-service over the whole run \(100 ms busy\) — by area: aws-jwt-verify 40%/)
  t.match(text, /\| verify jwt\.js:10 +\| aws-jwt-verify +\| 40 +\| 40 +\|/)
})

t.test('a pattern that is part of another request says so instead of 0 requests', async (t) => {
  const cost = (requests: number) => ({
    requests,
    engine: { read: 0, write: 6 },
    billed: { read: 0, write: 8 },
    byTarget: {},
  })
  const rows: PatternRow[] = [
    { pattern: 'E', action: 'lists', original: cost(5), current: cost(0), writeRatio: 1, readRatio: null },
    {
      pattern: 'D again',
      action: 'again',
      original: cost(6),
      current: { ...cost(2), failedRequests: 1 },
      writeRatio: 1,
      readRatio: null,
    },
  ]
  const text = report.capacityTable(rows)
  t.match(text, /\| E +\| lists +\| 5 +\| 0 R \/ 8 W +\| in C +\|/)
  t.match(text, /\| 2 \(1 cancelled\) +\|/)
})

t.test('the gateway table shows both paths, the req/s ratio and the added latency', async (t) => {
  const text = report.gatewayTable([
    {
      concurrency: 16,
      direct: { ...summary(1000, 10, 30), sent: 5000, statuses: { 200: 5000 } },
      gateway: { ...summary(800, 12.5, 34), sent: 4000, statuses: { 200: 4000 } },
      rpsRatio: 0.8,
      addedP50Ms: 2.5,
      addedP99Ms: 4,
    },
  ])
  t.match(text, /^Scenario 7 — /)
  t.match(text, /\| 16 +\| 800 +\| 1000 +\| 0\.8× +\| 12\.5 \/ 34 +\| 10 \/ 30 +\| 2\.5 +\| 4 +\| 0\/0 +\|/)
})

t.test(
  'the realtime table keeps negative latencies, counts misses and says whether GC was forced',
  async (t) => {
    const merged = (rps: number) => ({
      ...summary(rps, 90, 300),
      sent: rps * 5,
      statuses: { '200': rps * 5 },
    })
    const r: RealtimeResult = {
      delivery: [
        {
          setup: '2 instances + Redis',
          rate: 200,
          achievedRate: 120.5,
          sends: 1000,
          delivered: 999,
          missed: 1,
          duplicates: 0,
          unexpected: 2,
          negative: 199,
          p50Ms: 0.22,
          p99Ms: 34.72,
          minMs: -52.54,
          maxMs: 67.02,
          fromRequestP50Ms: 40,
          fromRequestP99Ms: 160,
          sendErrors: 0,
          maxScheduleLagMs: 3,
        },
      ],
      memory: {
        streams: 2000,
        users: 50,
        openS: 17.4,
        before: { rssKiB: 123372, heapUsedKiB: 28003 },
        after: { rssKiB: 164844, heapUsedKiB: 50858 },
        closed: { rssKiB: 166124, heapUsedKiB: 30515 },
        rssKiBPerStream: 20.7,
        heapKiBPerStream: 11.4,
        gcForced: false,
      },
      sendLoad: { concurrency: 16, streams: 500, none: merged(150), with: merged(135), rpsRatio: 0.9 },
    }
    const out = report.realtimeTable(r)
    t.match(
      out,
      /\| 2 instances \+ Redis \| 200 \(120\.5\)\s*\| 1000\s*\| 0\.22\s*\| 34\.72\s*\| -52\.54 \/ 67\.02 \| 40 \/ 160\s*\| 199\s*\| 1\s*\| 0\s*\| 2\s*\| 0\s*\|/,
    )
    t.match(out, /memory of 2000 idle streams \(50 users\) on one instance \(no GC forced\)/)
    t.match(out, /\| RSS\s*\| 120\.5\s*\| 161\s*\| 162\.2\s*\| 20\.7\s*\|/)
    t.match(out, /\| 500\s*\| 135\s*\| 90 \/ 300\s*\| 0\s*\| 0\.9×/)
  },
)

t.test('the growth table puts each big ÷ small ratio beside its goal', async (t) => {
  const pair = (what: string, big: number, small: number, p50Ratio: number | null) => ({
    what,
    big: `big ${what}`,
    small: `small ${what}`,
    bigRun: { ...summary(100, big, big * 2), concurrency: 1 },
    smallRun: { ...summary(100, small, small * 2), concurrency: 1, errors: 2 },
    p50Ratio,
    meanRatio: p50Ratio,
  })
  const g: GrowthResult = {
    goal: 1.2,
    messages: 100_000,
    conversations: 5_000,
    seedSeconds: { messages: 30, people: 10, conversations: 5 },
    pairs: [pair('first page', 2.2, 2, 1.1), pair('page 50', 3, 2, 1.5), pair('list', 1, 0, null)],
  }
  const text = report.growthTable(g)
  t.match(text, /^Scenario 10 — cost that does not grow/)
  t.match(
    text,
    /\| first page +\| big first page +\| small first page +\| 2\.2 \/ 4\.4 +\| 2 \/ 4 +\| 1\.1× ✓ \(goal ≤ 1\.2×\) +\| 1\.1× +\| 0\/2 +\|/,
  )
  t.match(text, /\| page 50 .*\| 1\.5× ✗ \(goal ≤ 1\.2×\) +\|/, 'over the goal is marked')
  t.match(text, /\| list .*\| – +\| – +\| 0\/2 +\|/, 'a ratio that cannot be formed is a dash')
  t.match(text, /Seeded in 30 s \(messages\), 10 s \(people\), 5 s \(conversations\)/)
})
