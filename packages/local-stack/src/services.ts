import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { StackFacts } from './facts.js'
import { STACK_ENV } from './facts.js'
import { awaitReady, type ManagedProcess, startProcess } from './process.js'
import { type ServiceEnvOptions, type ServiceName, serviceEnv, serviceUrl } from './service-env.js'

/** Every service; the gateway is ready only once both others are. */
export const SERVICES: ServiceName[] = ['user-service', 'messaging-service', 'gateway']

export const serviceDir = (root: string, service: ServiceName) => path.join(root, 'services', service)

/**
 * A service may ship `dist/stack-setup.js`: what the local stack must do for it before it
 * serves (migrations, seed data, tables, Cognito users). It runs with the service's env plus
 * the stack facts in CRUDDUR_STACK, and must be safe to re-run.
 */
export async function runSetupHook(
  root: string,
  service: ServiceName,
  facts: StackFacts,
  print: (l: string) => void,
  envOptions: ServiceEnvOptions = {},
) {
  const hook = path.join(serviceDir(root, service), 'dist', 'stack-setup.js')
  if (!existsSync(hook)) {
    print(`${service}: no setup hook (${path.relative(root, hook)} missing), skipped`)
    return
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [hook], {
      cwd: serviceDir(root, service),
      env: {
        ...process.env,
        ...serviceEnv(service, facts, { ...envOptions, logLevel: 'warn' }),
        [STACK_ENV]: JSON.stringify(facts),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) print(`${service} setup: ${line}`)
    }
    child.stdout.on('data', forward)
    child.stderr.on('data', forward)
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${service} setup hook failed (exit ${code})`)),
    )
  })
}

/**
 * Starts a built service (`node dist/server.js`) and waits until it answers `probe`: `/ready`
 * (its engines answer), or `/health` (it listens) for a process whose readiness depends on
 * others still starting (the gateway's on both services): then `awaitServiceReady` later.
 */
export async function startService(
  root: string,
  service: ServiceName,
  facts: StackFacts,
  onLine: (line: string) => void,
  logLevel = 'info',
  envOptions: ServiceEnvOptions = {},
  probe: '/ready' | '/health' = '/ready',
): Promise<ManagedProcess> {
  const entry = path.join(serviceDir(root, service), 'dist', 'server.js')
  if (!existsSync(entry))
    throw new Error(`${service} is not built (${entry} missing): run \`pnpm build\` first`)
  const proc = startProcess(service, process.execPath, ['--enable-source-maps', entry], {
    cwd: serviceDir(root, service),
    env: { ...process.env, ...serviceEnv(service, facts, { ...envOptions, logLevel }) },
    onLine,
  })
  await awaitAnswer(proc, facts, service, probe)
  return proc
}

/** Waits until a started service's /ready answers 200 (or fails if the process exits first). */
export const awaitServiceReady = (proc: ManagedProcess, facts: StackFacts, service: ServiceName) =>
  awaitAnswer(proc, facts, service, '/ready')

async function awaitAnswer(proc: ManagedProcess, facts: StackFacts, service: ServiceName, probe: string) {
  const url = serviceUrl(facts, service)
  await awaitReady(proc, `${service} at ${url}${probe}`, async () => {
    const res = await fetch(`${url}${probe}`, { signal: AbortSignal.timeout(2_000) })
    if (res.status !== 200) throw new Error(`${probe} answered ${res.status}`)
  })
}
