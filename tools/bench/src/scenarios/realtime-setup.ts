/**
 * What scenario 9 needs around the harness: signed-in people (Cognito user, PostConfirmation,
 * sign-in, as production makes them), a Redis, and extra messaging-service instances on it.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  freePort,
  inPool,
  localCognitoClient,
  type StackFacts,
  startRedis,
  startService,
} from '@cruddur/local-stack'
import { createCognitoPerson, registerPerson, signInPerson } from '@cruddur/local-stack/testing'
import { BENCH_SEND_RATE_LIMIT_MAX } from '../harness.js'

/** The text of every send of scenario 9. */
export const TEXT = 'Realtime benchmark: how soon does the other member see this?'

/** A sender, a recipient and their conversation. */
/** The knobs of scenario 9 (the BENCH_RT_* settings). */
export interface RealtimeOptions {
  root: string
  rates: number[]
  /** Seconds measured per rate and setup. */
  deliveryS: number
  warmupS: number
  pairs: number
  idleUsers: number
  memoryStreams: number
  loadStreams: number
  loadConcurrency: number
  /** Seconds per side (none / with streams) of part 3, in two halves each. */
  loadS: number
  print: (line: string) => void
}

export interface Pair {
  sender: BenchUser
  recipient: BenchUser
  conversation: string
}

export interface BenchUser {
  handle: string
  token: string
}

/** `count` confirmed, registered and signed-in people named `<prefix><i>x<suffix>`. */
export async function createUsers(facts: StackFacts, prefix: string, count: number): Promise<BenchUser[]> {
  const suffix = randomBytes(3).toString('hex')
  const client = localCognitoClient(facts.cognito.endpoint, facts.region)
  try {
    const names = Array.from({ length: count }, (_, i) => `${prefix}${i}x${suffix}`)
    return await inPool(names, 4, async (handle) => {
      const password = `Bench-${randomBytes(9).toString('base64url')}-1!`
      const email = `${handle}@example.test`
      const person = { handle, email, name: `Bench ${handle}`, password }
      const { sub } = await createCognitoPerson(client, facts, person)
      await registerPerson(facts.userService.url, facts, { ...person, sub })
      const { accessToken } = await signInPerson(client, facts, email, password)
      return { handle, token: accessToken }
    })
  } finally {
    client.destroy()
  }
}

export interface Instance {
  url: string
  pid: number | undefined
  /** Full GC in the instance, then its memory (bytes); only with `probe`. */
  memory(): Promise<NodeJS.MemoryUsage & { collected: boolean }>
  stop(): Promise<void>
}

/** A Redis on a free port in a temp folder, removed on stop. */
export async function startBenchRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-redis-'))
  const redis = await startRedis({ port: await freePort(), dir })
  return {
    url: redis.url,
    stop: async () => {
      await redis.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * One more messaging-service process on a free port against the harness's stack (same table,
 * same user-service), with the bench's send limit, `env` on top, and with `probe` the memory
 * probe preloaded (SIGWINCH → full GC → process.memoryUsage() in a file).
 */
export async function startInstance(
  root: string,
  facts: StackFacts,
  print: (line: string) => void,
  { env = {}, probe = false }: { env?: Record<string, string>; probe?: boolean } = {},
): Promise<Instance> {
  const url = `http://127.0.0.1:${await freePort()}`
  const probeDir = probe ? await mkdtemp(path.join(os.tmpdir(), 'bench-memory-')) : undefined
  const preload = new URL('../memory-probe-preload.js', import.meta.url).href
  const quiet = (line: string) => {
    if (/"level":(50|60)/.test(line)) print(`[messaging-service ${url}] ${line}`)
  }
  const proc = await startService(
    root,
    'messaging-service',
    { ...facts, messagingService: { url } },
    quiet,
    'warn',
    {
      env: {
        SEND_RATE_LIMIT_MAX: String(BENCH_SEND_RATE_LIMIT_MAX),
        ...env,
        ...(probeDir
          ? {
              NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import=${preload}`.trim(),
              BENCH_MEMORY_PROBE_DIR: probeDir,
            }
          : {}),
      },
    },
  )
  const pid = proc.child.pid
  let probes = 0
  return {
    url,
    pid,
    async memory() {
      if (!probeDir || pid === undefined) throw new Error('this instance has no memory probe')
      const file = path.join(probeDir, `${pid}.${++probes}.json`)
      process.kill(pid, 'SIGWINCH')
      for (let waited = 0; waited < 10_000; waited += 50) {
        const text = await readFile(file, 'utf8').catch(() => undefined)
        if (text) return JSON.parse(text) as NodeJS.MemoryUsage & { collected: boolean }
        await sleep(50)
      }
      throw new Error(`the memory probe of ${url} wrote nothing within 10 s`)
    },
    async stop() {
      await proc.stop()
      if (probeDir) await rm(probeDir, { recursive: true, force: true })
    },
  }
}
