import t from 'tap'
import {
  capacityTable,
  gatewayTable,
  loadTable,
  memoryTable,
  profileTable,
  startupTable,
  syncTable,
} from '../src/report.js'
import type { PatternRow } from '../src/scenarios/capacity.js'
import type { CognitoSyncResult } from '../src/scenarios/cognito-sync.js'
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

t.test('the load table shows both paths, their ratio and the DynamoDB requests per request', async (t) => {
  const pair: LoadPair = {
    concurrency: 16,
    service: { ...summary(1000, 10, 30), sent: 5016, statuses: { 200: 5000 } },
    raw: { ...summary(2000, 5, 12), sent: 10000, statuses: {} },
    rpsRatio: 0.5,
    p50Ratio: 2,
    p99Ratio: 2.5,
    ddbRequestsPerRequest: 1,
    ddbRequestsByOperation: { Query: 5000 },
    rawDdbRequestsPerCall: 1,
    userServiceRequestsPerRequest: 0.002,
  }
  const text = loadTable('Scenario 1', [pair])
  t.match(text, /^Scenario 1\n/)
  t.match(
    text,
    /\| 16 +\| 1000 +\| 2000 +\| 0\.5× +\| 10 \/ 30 +\| 5 \/ 12 +\| 2× +\| 2\.5× +\| 1 \(1\) +\| 0\.002 +\| 0\/0 +\|/,
  )
})

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
    memory: { 'user-service': { peakMiB: 90, rssMiB: 80, startRssMiB: 60 }, 'messaging-service': null },
    peakResetWorked: false,
  }
  const text = memoryTable(m)
  t.match(text, /peak since process start/)
  t.match(text, /\| user-service +\| 60 +\| 90 +\| 80 +\| 1\.5× +\|/)
  t.match(text, /\| messaging-service +\| – +\| – +\| – +\| – +\|/)
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
    capacityTable(rows),
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
  }
  const sync = syncTable(s)
  t.match(sync, /of 100 users/)
  t.match(sync, /\| link all \(unlinked rows\): user-service +\| 0\.5 +\| 3 +\| 4× +\| 33\.33× +\|/)
  const start = startupTable({
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
  const text = profileTable('messaging-service', {
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
  const text = capacityTable(rows)
  t.match(text, /\| E +\| lists +\| 5 +\| 0 R \/ 8 W +\| in C +\|/)
  t.match(text, /\| 2 \(1 cancelled\) +\|/)
})

t.test('the gateway table shows both paths, the req/s ratio and the added latency', async (t) => {
  const text = gatewayTable([
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
