import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createDynamoClient, ensureTable } from '@cruddur/dynamodb'
import {
  freePort,
  runSetupHook,
  type StackFacts,
  serviceEnv,
  startService,
  startTestStack,
  waitUntil,
} from '@cruddur/local-stack'
import { type CountingProxy, startCountingProxy } from './counting-proxy.js'

type ManagedProcess = Awaited<ReturnType<typeof startService>>

/** The benchmark's send limit per caller and window: high enough never to answer 429. */
export const BENCH_SEND_RATE_LIMIT_MAX = 1_000_000

export interface Harness {
  facts: StackFacts
  /** DynamoDB Local itself (the services talk to it through `proxy`). */
  engineEndpoint: string
  proxy: CountingProxy
  /** Counts the messaging-service's calls to the user-service (absent without services). */
  userServiceProxy?: CountingProxy
  /** Absent when the run needs no service (only scenarios 3 and 4). */
  userService?: ManagedProcess
  messagingService?: ManagedProcess
  /** In front of both services (straight to them, not through the counting proxies), when asked for. */
  gateway?: { url: string; child: ChildProcess }
  stop(): Promise<void>
}

/**
 * The gateway as a process (`node dist/server.js`) in front of the two services, with exactly
 * its config schema's variables; ready when its /ready says both services are.
 */
async function startGateway(root: string, facts: StackFacts) {
  const port = await freePort()
  const child = spawn(process.execPath, [path.join(root, 'services', 'gateway', 'dist', 'server.js')], {
    cwd: path.join(root, 'services', 'gateway'),
    env: {
      ...process.env,
      ...serviceEnv('gateway', facts, { port, logLevel: 'warn', from: {} }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = once(child, 'exit')
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
  }
  try {
    await waitUntil(`the gateway at ${url}/ready`, async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`)
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })
      if (res.status !== 200) throw new Error(`/ready answered ${res.status}`)
    })
  } catch (error) {
    await stop()
    throw error
  }
  return { url, child, stop }
}

/**
 * A throw-away stack (free ports, in-memory DynamoDB, temp Postgres, fresh Cognito pool), a
 * counting proxy in front of DynamoDB, and both services as real processes, each after its own
 * setup hook (migrations, table, demo users): the same path `pnpm start` takes.
 */
export async function startHarness(
  root: string,
  print: (line: string) => void,
  {
    services = true,
    gateway: withGateway = false,
    cpuProfDir,
  }: { services?: boolean; gateway?: boolean; cpuProfDir?: string } = {},
): Promise<Harness> {
  const stack = await startTestStack()
  const cleanup: (() => Promise<void>)[] = [() => stack.stop()]
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => {})
  }
  try {
    const proxy = await startCountingProxy(stack.facts.dynamodb.endpoint)
    cleanup.push(() => proxy.stop())
    const facts: StackFacts = {
      ...stack.facts,
      dynamodb: { ...stack.facts.dynamodb, endpoint: proxy.endpoint },
      userService: { url: `http://127.0.0.1:${await freePort()}` },
      messagingService: { url: `http://127.0.0.1:${await freePort()}` },
    }
    const quiet = (service: string) => (line: string) => {
      if (/"level":(50|60)/.test(line)) print(`[${service}] ${line}`)
    }
    if (!services) return { facts, engineEndpoint: stack.facts.dynamodb.endpoint, proxy, stop }
    await runSetupHook(root, 'user-service', facts, print)
    const userService = await withCpuProfile(cpuProfDir, () =>
      startService(root, 'user-service', facts, quiet('user-service'), 'warn'),
    )
    cleanup.push(() => userService.stop())
    // The messaging-service reaches the user-service through a second counting proxy.
    const userServiceProxy = await startCountingProxy(facts.userService.url)
    cleanup.push(() => userServiceProxy.stop())
    const messagingFacts: StackFacts = { ...facts, userService: { url: userServiceProxy.endpoint } }
    await runSetupHook(root, 'messaging-service', messagingFacts, print)
    // The hook creates the table; ensuring it here too keeps the bench independent of the seed.
    const ddb = createDynamoClient({ region: facts.region, endpoint: facts.dynamodb.endpoint })
    await ensureTable(ddb, facts.dynamodb.table).finally(() => ddb.destroy())
    const messagingService = await withCpuProfile(cpuProfDir, () =>
      startService(root, 'messaging-service', messagingFacts, quiet('messaging-service'), 'warn', {
        // The load is a few callers sending as fast as they can: the per-caller send limit
        // (30 per 3 s by default) would measure the limiter, not the service.
        env: { SEND_RATE_LIMIT_MAX: String(BENCH_SEND_RATE_LIMIT_MAX) },
      }),
    )
    cleanup.push(() => messagingService.stop())
    const gateway = withGateway ? await startGateway(root, facts) : undefined
    if (gateway) cleanup.push(() => gateway.stop())
    return {
      facts,
      engineEndpoint: stack.facts.dynamodb.endpoint,
      proxy,
      userServiceProxy,
      userService,
      messagingService,
      ...(gateway ? { gateway: { url: gateway.url, child: gateway.child } } : {}),
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * Spawns with the profiler preload (NODE_OPTIONS=--import, which the service inherits) when a
 * profile folder is given; the profile is written when the process exits.
 */
async function withCpuProfile<T>(dir: string | undefined, spawn: () => Promise<T>): Promise<T> {
  if (!dir) return spawn()
  const saved = { options: process.env.NODE_OPTIONS, dir: process.env.BENCH_CPU_PROF_DIR }
  const preload = new URL('./cpu-profile-preload.js', import.meta.url).href
  process.env.NODE_OPTIONS = `${saved.options ?? ''} --import=${preload}`.trim()
  process.env.BENCH_CPU_PROF_DIR = dir
  try {
    return await spawn()
  } finally {
    for (const [name, value] of [
      ['NODE_OPTIONS', saved.options],
      ['BENCH_CPU_PROF_DIR', saved.dir],
    ] as const) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/** Peak and current resident set size of a process, in MiB (Linux /proc). */
export function memoryOf(pid: number | undefined): { peakMiB: number; rssMiB: number } | null {
  if (pid === undefined) return null
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
    return { peakMiB: Math.round(kib('VmHWM') / 102.4) / 10, rssMiB: Math.round(kib('VmRSS') / 102.4) / 10 }
  } catch {
    return null
  }
}
