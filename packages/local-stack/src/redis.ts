import { spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import net from 'node:net'
import { LOOPBACK } from './bind.js'
import { assertPortFree } from './ports.js'
import { awaitReady, startProcess } from './process.js'
import { REDIS_MISSING } from './testing.js'

export interface RedisEngine {
  url: string
  stop(): Promise<void>
}

export interface RedisOptions {
  port: number
  /** Its working folder (nothing is persisted there: no RDB snapshots, no AOF). */
  dir: string
  /** The redis-server executable (default: the one on PATH). */
  command?: string
  log?: (line: string) => void
}

export class RedisMissingError extends Error {
  constructor() {
    super(REDIS_MISSING)
    this.name = 'RedisMissingError'
  }
}

/** True when `command` runs (redis-server is optional: only tests of the realtime features need it). */
export function hasRedis(command = 'redis-server'): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0
}

/** One RESP PING over a plain socket: the engine answers `+PONG`. */
export function pingRedis(port: number, host = LOOPBACK): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host)
    socket.setTimeout(2_000, () => socket.destroy(new Error('no answer to PING within 2 s')))
    socket.once('error', reject)
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (chunk) => {
      socket.end()
      if (chunk.toString('utf8').startsWith('+PONG')) resolve()
      else reject(new Error(`unexpected answer to PING: ${chunk.toString('utf8').trim()}`))
    })
  })
}

/**
 * Debian's redis-server on 127.0.0.1 for the tests: no persistence (`--save ''`,
 * `--appendonly no`), protected mode on, its own process group like every engine.
 */
export async function startRedis(options: RedisOptions): Promise<RedisEngine> {
  const command = options.command ?? 'redis-server'
  if (!hasRedis(command)) throw new RedisMissingError()
  await assertPortFree('Redis', options.port, 'REDIS_PORT')
  await mkdir(options.dir, { recursive: true, mode: 0o700 })
  const args = [
    '--port',
    String(options.port),
    '--bind',
    LOOPBACK,
    '--protected-mode',
    'yes',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    options.dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ]
  const proc = startProcess('Redis', command, args, { onLine: options.log })
  await awaitReady(proc, `Redis on port ${options.port}`, () => pingRedis(options.port), 30_000)
  return {
    url: `redis://${LOOPBACK}:${options.port}`,
    stop: () => proc.stop('SIGTERM', 5_000),
  }
}
