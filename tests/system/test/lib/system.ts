/**
 * The system under test: its own engines (Postgres, DynamoDB Local *on disk*, cognito-local) in
 * a temp folder on free ports, and both services started as real processes (`node
 * dist/server.js`) with the local stack's service environment, and the gateway in front of them
 * when asked for. Unlike the other packages'
 * tests it ignores CRUDDUR_STACK: it kills and restarts engines, which a shared stack must not
 * see. Every process it starts is stopped in teardown.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { appendFileSync, existsSync, mkdirSync } from 'node:fs'
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type CognitoEngine,
  DEFAULT_TABLE,
  DEMO_EMAILS,
  DEMO_PASSWORD,
  DEMO_USERS,
  type DynamoEngine,
  freePort,
  isPortFree,
  type PostgresEngine,
  type RedisEngine,
  repoRoot,
  runSetupHook,
  type ServiceName,
  type StackFacts,
  serviceEnv,
  serviceUrl,
  startCognito,
  startDynamo,
  startPostgres,
  startRedis,
  waitUntil,
} from '@cruddur/local-stack'
import { startProxy, type TcpProxy } from './proxy.js'

export type { ServiceName } from '@cruddur/local-stack'

/** A process the system runs: one of the two services, or the gateway in front of them. */
export type ProcessName = ServiceName

export interface ServiceProcess {
  name: ProcessName
  child: ChildProcess
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Another messaging-service instance beside the system's own (same table, Redis and user-service). */
export interface ExtraInstance {
  label: string
  url: string
  proc: ServiceProcess
  logs: string[]
  /** Sends `signal` (SIGKILL: a crash) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export interface System {
  facts: StackFacts
  root: string
  /** Every stdout/stderr line each process printed, in order (its structured log). */
  logs: Record<ProcessName, string[]>
  /** Lines of the setup hooks and engines, for diagnostics and the secret scan. */
  otherLogs: string[]
  services: Partial<Record<ProcessName, ServiceProcess>>
  /** The gateway's address (it listens only when started: `gateway: true` or startService('gateway')). */
  gatewayUrl: string
  /** With `proxyDynamo`, messaging-service reaches DynamoDB through it (hold() = a stalled DynamoDB). */
  dynamoProxy: TcpProxy
  dynamo: DynamoEngine
  postgres: PostgresEngine
  cognito: CognitoEngine
  /** With `redis: true`: the Redis every messaging-service instance shares. */
  redis: RedisEngine | undefined
  stopRedis(): Promise<void>
  restartRedis(): Promise<void>
  startService(name: ProcessName): Promise<ServiceProcess>
  /** One more messaging-service (its own port and log; `env` on top of the system's, e.g. a clock offset). */
  startInstance(label: string, env?: Record<string, string>): Promise<ExtraInstance>
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  stopService(name: ProcessName, signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>
  killDynamo(): Promise<void>
  restartDynamo(): Promise<void>
  stopPostgres(): Promise<void>
  restartPostgres(): Promise<void>
  stop(): Promise<void>
}

// The SDK's Node 20 end-of-support notice would repeat in every file's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const SERVICE_ORDER: ServiceName[] = ['user-service', 'messaging-service']
/** Start order; stopping goes the other way (the gateway first, so it never outlives a service). */
const PROCESS_ORDER: ProcessName[] = [...SERVICE_ORDER, 'gateway']

/**
 * The gateway's environment: exactly its config schema's variables. Here until the local
 * stack's serviceEnv builds it too.
 */
async function waitForPortFree(port: number, timeoutMs = 15_000) {
  await waitUntil(
    `port ${port} to be released`,
    async () => {
      if (!(await isPortFree(port))) throw new Error('still in use')
    },
    { timeoutMs, intervalMs: 100 },
  )
}

export interface SystemOptions {
  /** false: engines (and the DynamoDB proxy) only, no setup hooks and no services. */
  services?: boolean
  /**
   * true: messaging-service reaches DynamoDB through `dynamoProxy` (for the stall faults).
   * Off by default: under load the proxy, living in the test process, would be measured too.
   */
  proxyDynamo?: boolean
  /** true: the gateway is started too, after both services. */
  gateway?: boolean
  /** FRONTEND_URL of both services and the gateway (default: the services' own default). */
  frontendUrl?: string
  /** true: a Redis too, and every messaging-service instance gets REDIS_URL (several instances). */
  redis?: boolean
  /** Settings of the system's messaging-service on top of the usual ones. */
  messagingEnv?: Record<string, string>
}

export async function startSystem(name: string, options: SystemOptions = {}): Promise<System> {
  const withServices = options.services ?? true
  const root = repoRoot()
  const processes = withServices ? (options.gateway ? PROCESS_ORDER : SERVICE_ORDER) : []
  for (const service of processes) {
    const entry = path.join(root, 'services', service, 'dist', 'server.js')
    if (!existsSync(entry)) throw new Error(`${service} is not built (${entry}): run \`pnpm build\` first`)
  }
  const region = 'us-east-1'
  const base = await mkdtemp(path.join(os.tmpdir(), `cruddur-system-${name}-`))
  // The postgres system user (when we run as root) must reach its data dir inside.
  await chmod(base, 0o755)
  const logDir = path.join(base, 'logs')
  mkdirSync(logDir, { recursive: true })
  const otherLogs: string[] = []
  const note = (line: string) => {
    otherLogs.push(line)
    appendFileSync(path.join(logDir, 'stack.log'), `${line}\n`)
  }
  const ports = {
    postgres: await freePort(),
    dynamodb: await freePort(),
    cognito: await freePort(),
    userService: await freePort(),
    messagingService: await freePort(),
    gateway: await freePort(),
    redis: await freePort(),
  }
  const dirs = {
    postgres: path.join(base, 'postgres'),
    dynamodb: path.join(base, 'dynamodb'),
    cognito: path.join(base, 'cognito'),
  }
  const cleanups: Array<() => Promise<unknown>> = []
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {})
  }
  try {
    // Not ephemeral: the Postgres fault restarts the cluster, which must keep its data.
    const postgresStart = startPostgres({ port: ports.postgres, dataDir: dirs.postgres, ephemeral: false })
    const dynamoStart = startDynamo({ port: ports.dynamodb, dataDir: dirs.dynamodb })
    const cognitoStart = startCognito({ port: ports.cognito, dataDir: dirs.cognito, region })
    const started = await Promise.allSettled([postgresStart, dynamoStart, cognitoStart])
    for (const r of started) if (r.status === 'fulfilled') cleanups.push(() => r.value.stop())
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
    let postgres = (started[0] as PromiseFulfilledResult<PostgresEngine>).value
    let dynamo = (started[1] as PromiseFulfilledResult<DynamoEngine>).value
    const cognito = (started[2] as PromiseFulfilledResult<CognitoEngine>).value
    const redisDir = path.join(base, 'redis')
    const startSystemRedis = () => startRedis({ port: ports.redis, dir: redisDir, log: note })
    let redis = options.redis ? await startSystemRedis() : undefined
    if (redis) cleanups.push(() => redis?.stop() ?? Promise.resolve())
    const dynamoProxy = await startProxy(ports.dynamodb)
    cleanups.push(() => dynamoProxy.close())

    const facts: StackFacts = {
      region,
      postgres: { url: postgres.url() },
      dynamodb: {
        endpoint: options.proxyDynamo ? dynamoProxy.endpoint : dynamo.endpoint,
        table: DEFAULT_TABLE,
      },
      cognito: {
        endpoint: cognito.endpoint,
        userPoolId: cognito.userPoolId,
        clientId: cognito.clientId,
        jwksUrl: cognito.jwksUrl,
      },
      gateway: { url: `http://127.0.0.1:${ports.gateway}` },
      userService: { url: `http://127.0.0.1:${ports.userService}` },
      messagingService: { url: `http://127.0.0.1:${ports.messagingService}` },
      internalToken: randomBytes(24).toString('base64url'),
      cursorSecret: randomBytes(32).toString('base64url'),
      demoPassword: DEMO_PASSWORD,
      demoUsers: DEMO_USERS,
      demoEmails: DEMO_EMAILS,
    }
    const logs: Record<ProcessName, string[]> = { 'user-service': [], 'messaging-service': [], gateway: [] }
    const services: Partial<Record<ProcessName, ServiceProcess>> = {}
    const gatewayUrl = facts.gateway.url
    // The system's own FRONTEND_URL, never the test runner's environment.
    const envOf = (name: ProcessName): Record<string, string> => ({
      ...serviceEnv(name, facts, { logLevel: 'info', from: { FRONTEND_URL: options.frontendUrl ?? '' } }),
      ...(name === 'messaging-service'
        ? {
            // The load tests send faster than any person: the per-caller send limit stays out of them.
            SEND_RATE_LIMIT_MAX: '1000000',
            ...(redis ? { REDIS_URL: redis.url } : {}),
            ...options.messagingEnv,
          }
        : {}),
    })
    const urlOf = (name: ProcessName) => serviceUrl(facts, name)

    /** Spawns `node dist/server.js` of `service` with `env`, collecting its lines into `lines`; resolves once ready. */
    const spawnService = async (
      service: ProcessName,
      url: string,
      env: Record<string, string>,
      lines: string[],
      logName: string,
    ): Promise<ServiceProcess> => {
      await waitForPortFree(Number(new URL(url).port))
      const child = spawn(process.execPath, [path.join(root, 'services', service, 'dist', 'server.js')], {
        cwd: path.join(root, 'services', service),
        env: {
          ...process.env,
          ...env,
          // The SDK's Node 20 end-of-support notice is not a log line of ours.
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const file = path.join(logDir, `${logName}.log`)
      let partial = ''
      const collect = (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8')
        const split = text.split('\n')
        partial = split.pop() ?? ''
        for (const line of split) {
          if (!line.trim()) continue
          lines.push(line)
          appendFileSync(file, `${line}\n`)
        }
      }
      child.stdout?.on('data', collect)
      child.stderr?.on('data', collect)
      const exited = once(child, 'exit').then(([code, signal]) => {
        if (partial.trim()) lines.push(partial)
        return { code: code as number | null, signal: signal as NodeJS.Signals | null }
      })
      const proc: ServiceProcess = { name: service, child, exited }
      let dead = false
      void exited.then(() => {
        dead = true
      })
      await waitUntil(
        `${logName} at ${url}/ready`,
        async () => {
          if (dead) return
          const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })
          if (res.status !== 200) throw new Error(`/ready answered ${res.status}`)
        },
        { timeoutMs: 60_000 },
      )
      if (dead) throw new Error(`${logName} exited during start-up:\n${lines.slice(-20).join('\n')}`)
      return proc
    }

    const startService = async (service: ProcessName): Promise<ServiceProcess> => {
      const proc = await spawnService(service, urlOf(service), envOf(service), logs[service], service)
      services[service] = proc
      return proc
    }

    const instances: ExtraInstance[] = []
    const startInstance = async (label: string, env: Record<string, string> = {}): Promise<ExtraInstance> => {
      const url = `http://127.0.0.1:${await freePort()}`
      const lines: string[] = []
      const proc = await spawnService(
        'messaging-service',
        url,
        { ...envOf('messaging-service'), ...env, PORT: new URL(url).port },
        lines,
        `messaging-service-${label}`,
      )
      const instance: ExtraInstance = {
        label,
        url,
        proc,
        logs: lines,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (proc.child.exitCode === null && proc.child.signalCode === null) {
            proc.child.kill(signal)
            const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000)
            await proc.exited.finally(() => clearTimeout(timer))
          }
          return (await proc.exited).code
        },
      }
      instances.push(instance)
      return instance
    }
    cleanups.push(async () => {
      for (const instance of instances) await instance.stop()
    })

    const stopService = async (
      service: ProcessName,
      signal: NodeJS.Signals = 'SIGTERM',
      graceMs = 15_000,
    ) => {
      const proc = services[service]
      if (!proc) return null
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        proc.child.kill(signal)
        const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs)
        try {
          await proc.exited
        } finally {
          clearTimeout(timer)
        }
      }
      delete services[service]
      return (await proc.exited).code
    }
    cleanups.push(async () => {
      for (const service of [...PROCESS_ORDER].reverse()) await stopService(service, 'SIGTERM', 5_000)
    })

    let stopped = false
    const system: System = {
      facts,
      root,
      logs,
      otherLogs,
      services,
      gatewayUrl,
      dynamoProxy,
      get dynamo() {
        return dynamo
      },
      get postgres() {
        return postgres
      },
      cognito,
      get redis() {
        return redis
      },
      async stopRedis() {
        await redis?.stop()
        await waitForPortFree(ports.redis)
      },
      async restartRedis() {
        await waitForPortFree(ports.redis)
        redis = await startSystemRedis()
      },
      startService,
      startInstance,
      stopService,
      async killDynamo() {
        dynamo.kill()
        await waitForPortFree(ports.dynamodb)
      },
      async restartDynamo() {
        await waitForPortFree(ports.dynamodb)
        dynamo = await startDynamo({ port: ports.dynamodb, dataDir: dirs.dynamodb })
      },
      async stopPostgres() {
        await postgres.stop()
        await waitForPortFree(ports.postgres)
      },
      async restartPostgres() {
        await waitForPortFree(ports.postgres)
        postgres = await startPostgres({ port: ports.postgres, dataDir: dirs.postgres, ephemeral: false })
      },
      async stop() {
        if (stopped) return
        stopped = true
        // The engines may have been swapped by restarts: stop the current ones.
        cleanups.length = 0
        for (const instance of instances) await instance.stop().catch(() => null)
        for (const service of [...PROCESS_ORDER].reverse()) await stopService(service, 'SIGTERM', 5_000)
        await dynamoProxy.close().catch(() => {})
        await Promise.allSettled([cognito.stop(), dynamo.stop(), postgres.stop(), redis?.stop()])
        const keep = process.env.SYSTEM_TESTS_KEEP_LOGS
        if (keep) await cp(logDir, path.join(keep, name), { recursive: true }).catch(() => {})
        await rm(base, { recursive: true, force: true })
        if (postgres.dataDir !== dirs.postgres) await rm(postgres.dataDir, { recursive: true, force: true })
      },
    }

    for (const service of withServices ? SERVICE_ORDER : []) {
      await runSetupHook(root, service, facts, note)
      await startService(service)
    }
    if (withServices && options.gateway) await startService('gateway')
    return system
  } catch (error) {
    await cleanup()
    await rm(base, { recursive: true, force: true })
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(`the system did not start: ${message}\n${otherLogs.slice(-30).join('\n')}`, {
      cause: error,
    })
  }
}

/** Polls until `probe` returns true (or throws on timeout); returns the milliseconds it took. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000) {
  const t0 = Date.now()
  while (Date.now() - t0 < timeoutMs) {
    if (await probe().catch(() => false)) return Date.now() - t0
    await sleep(100)
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`)
}
