/**
 * pnpm bench: starts a throw-away local stack and both services, runs the scenarios of issue 6
 * (docs/performance.md) after a warm-up each, prints tables and writes bench/results.json.
 * Env: BENCH_SCENARIOS (default 1,2,3,4,5,6,7,8,9,10), BENCH_DURATION (s per measurement, default 5),
 * BENCH_WARMUP (s, default 1), BENCH_CONCURRENCY (default 1,16,64), BENCH_GATEWAY_CONCURRENCY
 * (scenario 7, default 1,16), BENCH_SYNC_USERS (50000),
 * BENCH_SYNC_SDK_USERS (300), BENCH_WEB_VISITS (scenario 8, default 5), BENCH_CPU_PROF=1 (profile both services during 1–2; slows them).
 * Scenario 9 (the stream): BENCH_RT_RATES (sends/s, default 50,200), BENCH_RT_SECONDS (per rate
 * and setup, 5), BENCH_RT_PAIRS (16), BENCH_RT_IDLE_USERS (50), BENCH_RT_MEMORY_STREAMS (2000),
 * BENCH_RT_LOAD_STREAMS (500), BENCH_RT_LOAD_CONCURRENCY (16); part 3 runs BENCH_DURATION per side.
 * Scenario 10 (cost that does not grow): BENCH_GROWTH_MESSAGES (messages of the big conversation,
 * default 100000), BENCH_GROWTH_CONVERSATIONS (conversations of the big list, default 5000); the
 * small side is 100 of each; BENCH_DURATION per side and pair.
 */
import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createDynamoClient } from '@cruddur/dynamodb'
import { repoRoot } from '@cruddur/local-stack'
import { createTestDatabase } from '@cruddur/local-stack/testing'
import { type Harness, startHarness } from './harness.js'
import { type CpuProfile, summarizeProfile } from './profile-summary.js'
import {
  capacityTable,
  gatewayTable,
  growthTable,
  loadTable,
  memoryTable,
  profileTable,
  realtimeTable,
  startupTable,
  syncTable,
  webPageTable,
} from './report.js'
import { measureCapacity } from './scenarios/capacity.js'
import { measureCognitoSync } from './scenarios/cognito-sync.js'
import { measureGatewayOverhead } from './scenarios/gateway-overhead.js'
import { measureGrowth } from './scenarios/growth.js'
import { measureRealtime } from './scenarios/realtime.js'
import { measureServiceLoad } from './scenarios/service-load.js'
import { measureStartup } from './scenarios/startup.js'
import { measureWebPage } from './scenarios/web-page.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const env = process.env
const list = (raw: string | undefined, fallback: number[]) =>
  raw
    ? raw
        .split(',')
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isFinite(n) && n > 0)
    : fallback
const scenarios = new Set(list(env.BENCH_SCENARIOS, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
const durationS = Number(env.BENCH_DURATION ?? 5)
const warmupS = Number(env.BENCH_WARMUP ?? 1)
const levels = list(env.BENCH_CONCURRENCY, [1, 16, 64])
const gatewayLevels = list(env.BENCH_GATEWAY_CONCURRENCY, [1, 16])
const syncUsers = Number(env.BENCH_SYNC_USERS ?? 50_000)
const sdkUsers = Number(env.BENCH_SYNC_SDK_USERS ?? 300)
const webVisits = Number(env.BENCH_WEB_VISITS ?? 5)
const growth = {
  messages: Number(env.BENCH_GROWTH_MESSAGES ?? 100_000),
  conversations: Number(env.BENCH_GROWTH_CONVERSATIONS ?? 5_000),
}
const realtime = {
  rates: list(env.BENCH_RT_RATES, [50, 200]),
  deliveryS: Number(env.BENCH_RT_SECONDS ?? 5),
  pairs: Number(env.BENCH_RT_PAIRS ?? 16),
  idleUsers: Number(env.BENCH_RT_IDLE_USERS ?? 50),
  memoryStreams: Number(env.BENCH_RT_MEMORY_STREAMS ?? 2000),
  loadStreams: Number(env.BENCH_RT_LOAD_STREAMS ?? 500),
  loadConcurrency: Number(env.BENCH_RT_LOAD_CONCURRENCY ?? 16),
}
const cpuProf = env.BENCH_CPU_PROF === '1' || env.BENCH_CPU_PROF === 'true'

const print = (line: string) => process.stdout.write(`${line}\n`)
const root = repoRoot()
const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
  },
  loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  settings: {
    durationS,
    warmupS,
    levels,
    gatewayLevels,
    syncUsers,
    sdkUsers,
    realtime,
    growth,
    scenarios: [...scenarios],
  },
}
const tables: string[] = []

const userServiceCli = path.join(root, 'services', 'user-service', 'dist', 'cli', 'index.js')

async function migrateWithCli(url: string) {
  await promisify(execFile)(process.execPath, [userServiceCli, 'db:migrate'], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
  })
}

async function main() {
  const t0 = Date.now()
  let harness: Harness | undefined
  let profiles: { dir: string; pids: Record<string, string> } | undefined
  const needHarness = [1, 2, 3, 4, 6, 7, 8, 9, 10].some((s) => scenarios.has(s))
  // Ctrl-C: stop the engines and services we started (and their temp folders), then leave.
  process.once('SIGINT', () => {
    print('\ninterrupted: stopping the stack…')
    const stopping = harness?.stop() ?? Promise.resolve()
    stopping.finally(() => process.exit(130))
  })
  try {
    if (needHarness) {
      const services = [1, 2, 6, 7, 8, 9, 10].some((s) => scenarios.has(s))
      print(services ? 'starting the stack and both services…' : 'starting the engines…')
      const cpuProfDir =
        cpuProf && services ? path.join(root, 'bench', 'profiles', `${Date.now()}`) : undefined
      if (cpuProfDir) {
        await mkdir(cpuProfDir, { recursive: true })
        print(
          `  profiling both services into ${path.relative(root, cpuProfDir)} (figures are slower while profiling)`,
        )
      }
      harness = await startHarness(root, print, {
        services,
        gateway: scenarios.has(7) || scenarios.has(8),
        ...(cpuProfDir ? { cpuProfDir } : {}),
      })
      profiles = cpuProfDir
        ? {
            dir: cpuProfDir,
            pids: {
              [String(harness.userService?.child.pid)]: 'user-service',
              [String(harness.messagingService?.child.pid)]: 'messaging-service',
            },
          }
        : undefined
      print(`  up in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    }
    if (harness && (scenarios.has(1) || scenarios.has(2) || scenarios.has(6))) {
      const load = await measureServiceLoad(harness, { levels, durationS, warmupS, print })
      results.read = load.read
      results.send = load.send
      results.memory = { services: load.memory, peakResetWorked: load.peakResetWorked }
      if (scenarios.has(1))
        tables.push(
          loadTable('Scenario 1 — GET /api/messages/:uuid (20 messages) vs. raw pattern A Query', load.read),
        )
      if (scenarios.has(2))
        tables.push(
          loadTable('Scenario 2 — POST /api/messages vs. raw pattern C TransactWriteItems', load.send),
        )
      if (scenarios.has(6)) tables.push(memoryTable(load))
    }
    if (harness && scenarios.has(7)) {
      const pairs = await measureGatewayOverhead(harness, {
        levels: gatewayLevels,
        durationS,
        warmupS,
        print,
      })
      results.gateway = pairs
      tables.push(gatewayTable(pairs))
    }
    if (harness?.gateway && scenarios.has(8)) {
      print('scenario 8: the web page through the gateway, cold and warm visits in Chromium')
      const web = await measureWebPage(harness.gateway.url, { visits: webVisits, print })
      results.webPage = web
      tables.push(webPageTable(web))
    }
    if (harness && scenarios.has(9)) {
      const rt = await measureRealtime(harness, {
        root,
        ...realtime,
        warmupS,
        loadS: durationS,
        print,
      })
      results.realtime = rt
      tables.push(realtimeTable(rt))
    }
    if (harness && scenarios.has(10)) {
      print(
        `scenario 10: seeding a conversation of ${growth.messages} messages and a user with ${growth.conversations} conversations`,
      )
      const g = await measureGrowth(harness, { ...growth, durationS, warmupS, print })
      results.growth = g
      tables.push(growthTable(g))
    }
    if (harness && scenarios.has(3)) {
      print('scenario 3: capacity per pattern, new design vs. the original')
      const engine = { region: harness.facts.region, endpoint: harness.engineEndpoint }
      const [client, images] = [createDynamoClient(engine), createDynamoClient(engine)]
      try {
        const rows = await measureCapacity(client, images)
        results.capacity = rows
        tables.push(capacityTable(rows))
      } finally {
        client.destroy()
        images.destroy()
      }
    }
    if (harness && scenarios.has(4)) {
      print(`scenario 4: Cognito sync of ${syncUsers} users`)
      const db = await createTestDatabase(harness.facts, 'bench_sync')
      try {
        const sync = await measureCognitoSync({
          users: syncUsers,
          sdkUsers,
          databaseUrl: db.url,
          region: harness.facts.region,
          cli: userServiceCli,
          prepareDatabase: migrateWithCli,
          print,
        })
        results.cognitoSync = sync
        tables.push(syncTable(sync))
      } finally {
        await db.drop()
      }
    }
  } finally {
    await harness?.stop()
  }
  if (profiles) {
    const summaries: Record<string, unknown> = {}
    for (const file of (await readdir(profiles.dir)).filter((f) => f.endsWith('.cpuprofile'))) {
      const pid = file.split('.')[3] ?? ''
      const service = profiles.pids[pid] ?? `pid ${pid}`
      const summary = summarizeProfile(
        JSON.parse(await readFile(path.join(profiles.dir, file), 'utf8')) as CpuProfile,
      )
      summaries[service] = { file: path.relative(root, path.join(profiles.dir, file)), ...summary }
      tables.push(profileTable(service, summary))
    }
    results.profiles = summaries
  }
  if (scenarios.has(5)) {
    print('scenario 5: pnpm start, cold and warm (in a temp data folder, on free ports)')
    const startup = await measureStartup(root)
    results.startup = startup
    tables.push(startupTable(startup))
  }
  results.totalSeconds = Math.round((Date.now() - t0) / 100) / 10
  results.loadAverageAtEnd = os.loadavg().map((n) => Math.round(n * 100) / 100)
  const file = path.join(root, 'bench', 'results.json')
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`)
  print('')
  print(tables.join('\n\n'))
  print(
    `\n${path.relative(process.cwd(), file)} written; whole bench ${results.totalSeconds} s; ` +
      `load average (1/5/15 min) ${results.loadAverageAtStart} at the start, ${results.loadAverageAtEnd} at the end on ${os.cpus().length} CPUs`,
  )
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exit(1)
  },
)
