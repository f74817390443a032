/** Formats the results as plain-text tables (also pasted into docs/performance.md). */
import type { ProfileSummary } from './profile-summary.js'
import type { PatternRow } from './scenarios/capacity.js'
import type { CognitoSyncResult } from './scenarios/cognito-sync.js'
import type { GatewayPair } from './scenarios/gateway-overhead.js'
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

export function loadTable(title: string, pairs: LoadPair[]): string {
  return `${title}\n${table(
    [
      'conc.',
      'service req/s',
      'raw req/s',
      'req/s ratio',
      'service p50/p99 ms',
      'raw p50/p99 ms',
      'p50 ratio',
      'p99 ratio',
      'DDB req per request (raw)',
      'user-svc calls per request',
      'errors',
    ],
    pairs.map((p) => [
      p.concurrency,
      p.service.rps,
      p.raw.rps,
      x(p.rpsRatio),
      `${p.service.p50Ms} / ${p.service.p99Ms}`,
      `${p.raw.p50Ms} / ${p.raw.p99Ms}`,
      x(p.p50Ratio),
      x(p.p99Ratio),
      `${p.ddbRequestsPerRequest ?? '–'} (${p.rawDdbRequestsPerCall ?? '–'})`,
      p.userServiceRequestsPerRequest,
      `${p.service.errors}/${p.raw.errors}`,
    ]),
  )}`
}

export function memoryTable(m: ServiceLoadResult): string {
  return `Scenario 6 — memory of the service processes over scenarios 1–2${m.peakResetWorked ? '' : ' (peak since process start)'}\n${table(
    ['service', 'RSS after start MiB', 'peak RSS MiB', 'RSS at end MiB', 'peak ÷ start'],
    Object.entries(m.memory).map(([name, v]) => [
      name,
      v?.startRssMiB ?? null,
      v?.peakMiB ?? null,
      v?.rssMiB ?? null,
      v?.startRssMiB ? `${Math.round((v.peakMiB / v.startRssMiB) * 100) / 100}×` : null,
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
  )}`
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
      `${p.gateway.p50Ms} / ${p.gateway.p99Ms}`,
      `${p.direct.p50Ms} / ${p.direct.p99Ms}`,
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
