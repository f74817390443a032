/**
 * Scenario 5: `pnpm start` from the command to "Cruddur messaging is up" (both services ready),
 * cold (--fresh, empty data folder) and warm (second start on that data), then Ctrl-C (SIGINT)
 * and a check that everything exits. Runs in a temp data folder (CRUDDUR_LOCAL_DIR) on free
 * ports, so a developer's .local/ and a running stack are never touched.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { freePort, isPortFree } from '@cruddur/local-stack'
import { ratio, round } from '../stats.js'

export interface StartRun {
  /** Spawn → banner line, seconds. */
  readyS: number
  /** Spawn → "engines ready" line, seconds (the rest is setup hooks and the two services). */
  enginesS: number | null
  /** SIGINT → process exit, seconds. */
  stopS: number
  exitCode: number | null
  /** After the exit, every port of the stack (engines and services) was free again. */
  portsFreed: boolean
}

export interface StartupResult {
  cold: StartRun
  warm: StartRun
  warmOverCold: number | null
  dataDir: string
}

const BANNER = 'Cruddur messaging is up'

async function startOnce(
  root: string,
  env: NodeJS.ProcessEnv,
  fresh: boolean,
  timeoutMs = 180_000,
): Promise<StartRun> {
  const bin = path.join(root, 'packages', 'local-stack', 'dist', 'bin', 'stack.js')
  const t0 = performance.now()
  const child = spawn(process.execPath, [bin, 'start', ...(fresh ? ['--fresh'] : [])], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let enginesS: number | null = null
  const tail: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const readyS = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`pnpm start did not come up in ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue
        tail.push(line)
        if (tail.length > 30) tail.shift()
        if (enginesS === null && line.includes('engines ready')) enginesS = (performance.now() - t0) / 1000
        if (line.includes(BANNER)) {
          clearTimeout(timer)
          resolve((performance.now() - t0) / 1000)
        }
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`pnpm start exited (${code}) before it was up:\n${tail.join('\n')}`))
    })
  }).catch(async (error) => {
    child.kill('SIGKILL')
    await exited
    throw error
  })
  const s0 = performance.now()
  child.kill('SIGINT')
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const exitCode = await exited
  clearTimeout(killer)
  const ports = [
    'USER_SERVICE_PORT',
    'MESSAGING_SERVICE_PORT',
    'POSTGRES_PORT',
    'DYNAMODB_PORT',
    'COGNITO_PORT',
  ]
  const free = await Promise.all(ports.map((name) => isPortFree(Number(env[name]))))
  return {
    readyS: round(readyS, 2),
    enginesS: enginesS === null ? null : round(enginesS, 2),
    stopS: round((performance.now() - s0) / 1000, 2),
    exitCode,
    portsFreed: free.every(Boolean),
  }
}

export async function measureStartup(root: string): Promise<StartupResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cruddur-bench-start-'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CRUDDUR_LOCAL_DIR: dataDir,
    USER_SERVICE_PORT: String(await freePort()),
    MESSAGING_SERVICE_PORT: String(await freePort()),
    POSTGRES_PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    COGNITO_PORT: String(await freePort()),
  }
  try {
    const cold = await startOnce(root, env, true)
    const warm = await startOnce(root, env, false)
    return { cold, warm, warmOverCold: ratio(warm.readyS, cold.readyS), dataDir }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}
