/** Formats the results as plain-text tables (also pasted into docs/performance.md). */
import type { ProfileSummary } from './profile-summary.js'
import type { PatternRow } from './scenarios/capacity.js'
import type { CognitoSyncResult } from './scenarios/cognito-sync.js'
import type { GatewayPair } from './scenarios/gateway-overhead.js'
import type { GrowthResult } from './scenarios/growth.js'
import type { RealtimeResult } from './scenarios/realtime.js'
import type { LoadPair, ServiceLoadResult } from './scenarios/service-load.js'
import type { StartupResult } from './scenarios/startup.js'
import type { WebPageResult } from './scenarios/web-page.js'

export function table(header: string[], rows: (string | number | null)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null ? '–' : String(c))))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [
    line(cells[0] as string[]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n')
}

const x = (r: number | null) => (r === null ? null : `${r}×`)
/** A measurement's median and 99th percentile, as the tables show them. */
const p50p99 = (m: { p50Ms: number | null; p99Ms: number | null }) => `${m.p50Ms} / ${m.p99Ms}`

export function loadTable(title: string, pairs: LoadPair[]): string {
  return `${title}\n${table(
    [
      'conc.',
      'service req/s',
      'pattern req/s',
      'lean req/s',
      '÷ pattern',
      '÷ lean',
      'service p50/p99 ms',
      'pattern p50/p99 ms',
      'lean p50/p99 ms',
      'added p50 ms (vs lean)',
      'p99 ÷ lean',
      'DDB req per request (pattern)',
      'user-svc calls per request',
      'errors',
    ],
    pairs.map((p) => [
      p.concurrency,
      p.service.rps,
      p.raw.rps,
      p.lean.rps,
      x(p.rpsRatio),
      x(p.leanRpsRatio),
      p50p99(p.service),
      p50p99(p.raw),
      p50p99(p.lean),
      p.addedP50Ms,
      x(p.leanP99Ratio),
      `${p.ddbRequestsPerRequest ?? '–'} (${p.rawDdbRequestsPerCall ?? '–'})`,
      p.userServiceRequestsPerRequest,
      `${p.service.errors}/${p.raw.errors}/${p.lean.errors}`,
    ]),
  )}\npattern = the pattern's own function (DocumentClient, unmarshalling, ReturnConsumedCapacity); lean = the low-level client, the same call, neither.`
}

export function memoryTable(m: ServiceLoadResult): string {
  const percent = (a: number, b: number) => `${a >= b ? '+' : ''}${Math.round(((a - b) / b) * 1000) / 10} %`
  return `Scenario 6 — memory of the service processes over scenarios 1–2${m.peakResetWorked ? '' : ' (peak since process start)'}\n${table(
    [
      'service',
      'RSS before load MiB',
      'peak RSS MiB',
      'RSS at end MiB',
      'RSS settled (5 s) MiB',
      'settled vs before',
      'RSS idle (30 s) MiB',
      'idle vs before',
    ],
    Object.entries(m.memory).map(([name, v]) => [
      name,
      v?.startRssMiB ?? null,
      v?.peakMiB ?? null,
      v?.rssMiB ?? null,
      v?.settledRssMiB ?? null,
      v?.startRssMiB ? percent(v.settledRssMiB, v.startRssMiB) : null,
      v?.idleRssMiB ?? null,
      v?.startRssMiB && v.idleRssMiB ? percent(v.idleRssMiB, v.startRssMiB) : null,
    ]),
  )}`
}

export function capacityTable(rows: PatternRow[]): string {
  const u = (read: number, write: number) => `${read} R / ${write} W`
  return `Scenario 3 — capacity per user action (R = RCU, W = WCU; billed = AWS rules, engine = DynamoDB Local)\n${table(
    [
      '',
      'action',
      'original req',
      'original billed',
      'new req',
      'new engine',
      'new billed',
      'W orig÷new',
      'R orig÷new',
    ],
    rows.map((r) => [
      r.pattern,
      r.action,
      r.original.requests,
      u(r.original.billed.read, r.original.billed.write),
      r.current.failedRequests
        ? `${r.current.requests} (${r.current.failedRequests} cancelled)`
        : r.current.requests || 'in C',
      u(r.current.engine.read, r.current.engine.write),
      u(r.current.billed.read, r.current.billed.write),
      x(r.writeRatio),
      x(r.readRatio),
    ]),
  )}`
}

export function syncTable(s: CognitoSyncResult): string {
  const rows = (label: string, p: CognitoSyncResult['link']) => [
    [`${label}: original`, p.original.seconds, p.original.statements, null, null],
    [`${label}: user-service`, p.service.seconds, p.service.statements, x(p.timeRatio), x(p.statementRatio)],
  ]
  return `Scenario 4 — Cognito sync of ${s.users} users (cognito-local answers ListUsers in ${s.cognitoLocalPages} page(s))\n${table(
    ['run', 'seconds', 'SQL statements', 'time orig÷service', 'statements orig÷service'],
    [...rows('link all (unlinked rows)', s.link), ...rows('re-run (nothing changed)', s.rerun)],
  )}\nThe CLI (cognito:sync, own process, linking all ${s.users}): ${s.cli.seconds} s, ${s.cli.statements} SQL statements, peak RSS ${s.cli.peakRssMiB ?? '–'} MiB${s.cognitoLocalPages === 1 ? ' (cognito-local answers the whole pool in one ListUsers page, so this includes holding that one answer)' : ''}.`
}

export function startupTable(s: StartupResult): string {
  return `Scenario 5 — pnpm start (node packages/local-stack/dist/bin/stack.js start) until "Cruddur messaging is up"\n${table(
    ['run', 'ready s', 'engines ready s', 'Ctrl-C → exit s', 'exit code', 'ports freed'],
    [
      [
        'cold (--fresh)',
        s.cold.readyS,
        s.cold.enginesS,
        s.cold.stopS,
        s.cold.exitCode,
        s.cold.portsFreed ? 'yes' : 'NO',
      ],
      [
        'warm',
        s.warm.readyS,
        s.warm.enginesS,
        s.warm.stopS,
        s.warm.exitCode,
        s.warm.portsFreed ? 'yes' : 'NO',
      ],
      ['warm ÷ cold', x(s.warmOverCold), null, null, null, null],
    ],
  )}`
}

export function profileTable(service: string, p: ProfileSummary): string {
  const areas = p.byArea.map((a) => `${a.area} ${a.percent}%`).join(', ')
  return `CPU profile of ${service} over the whole run (${p.busyMs} ms busy) — by area: ${areas}\n${table(
    ['function (self time)', 'area', 'ms', '%'],
    p.byFunction.map((f) => [f.fn, f.area, f.ms, f.percent]),
  )}`
}

export function gatewayTable(pairs: GatewayPair[]): string {
  return `Scenario 7 — GET /api/messages/:uuid through the gateway vs. straight to the messaging-service\n${table(
    [
      'conc.',
      'gateway req/s',
      'direct req/s',
      'req/s ratio',
      'gateway p50/p99 ms',
      'direct p50/p99 ms',
      'added p50 ms',
      'added p99 ms',
      'errors',
    ],
    pairs.map((p) => [
      p.concurrency,
      p.gateway.rps,
      p.direct.rps,
      x(p.rpsRatio),
      p50p99(p.gateway),
      p50p99(p.direct),
      p.addedP50Ms,
      p.addedP99Ms,
      `${p.gateway.errors}/${p.direct.errors}`,
    ]),
  )}`
}

/** Issue 13's budgets: the page's JavaScript ≤ 150 KB gzipped, first screen usable ≤ 1.5 s. */
export const WEB_BUDGETS = { jsGzipKiB: 150, firstScreenMs: 1_500 }

export function webPageTable(w: WebPageResult | { skipped: string }): string {
  const title = 'Scenario 8 — the web page through the gateway (Chromium, playwright-core)'
  if ('skipped' in w) return `${title}\nskipped: ${w.skipped}`
  const within = (ok: boolean) => (ok ? 'within' : 'OVER')
  return `${title}\n${table(
    ['figure', 'measured', 'budget', ''],
    [
      [
        `JavaScript, ${w.jsFiles} file(s), gzipped`,
        `${round1(w.jsGzipBytes / 1024)} KiB (${round1(w.jsBytes / 1024)} KiB as sent)`,
        `${WEB_BUDGETS.jsGzipKiB} KiB`,
        within(w.jsGzipBytes <= WEB_BUDGETS.jsGzipKiB * 1024),
      ],
      [
        `first screen usable, cold (empty cache), p50 / max of ${w.visits}`,
        `${w.coldMs.p50} / ${w.coldMs.max} ms`,
        `${WEB_BUDGETS.firstScreenMs} ms`,
        within(w.coldMs.p50 <= WEB_BUDGETS.firstScreenMs),
      ],
      [
        'first screen usable, warm (reload), p50 / max',
        `${w.warmMs.p50} / ${w.warmMs.max} ms`,
        `${WEB_BUDGETS.firstScreenMs} ms`,
        within(w.warmMs.p50 <= WEB_BUDGETS.firstScreenMs),
      ],
    ],
  )}`
}

const round1 = (n: number) => Math.round(n * 10) / 10

export function realtimeTable(r: RealtimeResult): string {
  const m = r.memory
  const mib = (k: number) => Math.round(k / 102.4) / 10
  const s = r.sendLoad
  return [
    `Scenario 9 — the stream: delivery latency, send's 200 (client clock) → the recipient's \`message\` event (open loop; negative = event read before the answer)\n${table(
      [
        'setup',
        'rate/s (answered/s)',
        'sends',
        '200→event p50 ms',
        'p99 ms',
        'min / max ms',
        'request→event p50 / p99 ms',
        'negative',
        'missed',
        'duplicates',
        'stray events',
        'send errors',
      ],
      r.delivery.map((d) => [
        d.setup,
        `${d.rate} (${d.achievedRate})`,
        d.sends,
        d.p50Ms,
        d.p99Ms,
        `${d.minMs} / ${d.maxMs}`,
        `${d.fromRequestP50Ms} / ${d.fromRequestP99Ms}`,
        d.negative,
        d.missed,
        d.duplicates,
        d.unexpected,
        d.sendErrors,
      ]),
    )}`,
    `Scenario 9 — memory of ${m.streams} idle streams (${m.users} users) on one instance${m.gcForced ? ', after a full GC' : ' (no GC forced)'}\n${table(
      ['figure', 'before MiB', `${m.streams} open MiB`, 'closed again MiB', 'KiB per stream'],
      [
        ['RSS', mib(m.before.rssKiB), mib(m.after.rssKiB), mib(m.closed.rssKiB), m.rssKiBPerStream],
        [
          'heap used',
          mib(m.before.heapUsedKiB),
          mib(m.after.heapUsedKiB),
          mib(m.closed.heapUsedKiB),
          m.heapKiBPerStream,
        ],
      ],
    )}`,
    `Scenario 9 — POST /api/messages, c=${s.concurrency} closed loop, with ${s.streams} idle streams open vs none\n${table(
      ['idle streams', 'req/s', 'p50 / p99 ms', 'errors', 'req/s with ÷ none'],
      [
        [0, s.none.rps, p50p99(s.none), s.none.errors, null],
        [s.streams, s.with.rps, p50p99(s.with), s.with.errors, x(s.rpsRatio)],
      ],
    )}`,
  ].join('\n\n')
}

/** Within the goal, or how far off: a ratio of big ÷ small with the goal beside it. */
const againstGoal = (r: number | null, goal: number) =>
  r === null ? null : `${r}× ${r <= goal ? '✓' : '✗'} (goal ≤ ${goal}×)`

export function growthTable(g: GrowthResult): string {
  const s = g.seedSeconds
  return `Scenario 10 — cost that does not grow with the work: the same call on a big and a small instance, c=1 (big ÷ small)\n${table(
    [
      'call',
      'big',
      'small',
      'big p50/p99 ms',
      'small p50/p99 ms',
      'p50 big ÷ small',
      'mean big ÷ small',
      'errors',
    ],
    g.pairs.map((p) => [
      p.what,
      p.big,
      p.small,
      p50p99(p.bigRun),
      p50p99(p.smallRun),
      againstGoal(p.p50Ratio, g.goal),
      x(p.meanRatio),
      `${p.bigRun.errors}/${p.smallRun.errors}`,
    ]),
  )}\nPages of 20 (the default); every timed answer checked for 200 and its page size. Seeded in ${s.messages} s (messages), ${s.people} s (people), ${s.conversations} s (conversations).`
}
