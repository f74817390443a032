/**
 * What the tests that run services as processes share: a service started from its build
 * (`node dist/server.js`) and waited for until /ready answers, user-service's migrations applied
 * through its CLI, and a table or database of one test file's own, each undone at teardown.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { promisify } from 'node:util'
import { dropTable, ensureTable } from '@cruddur/dynamodb'
import { localDynamoClient } from './dynamodb.js'
import type { StackFacts } from './facts.js'
import { repoRoot } from './paths.js'
import type { ServiceName } from './service-env.js'
import { serviceDir } from './services.js'
import { uniqueSuffix } from './unique-suffix.js'
import { waitUntil } from './wait.js'

/** The part of a tap test these helpers use (so this module does not depend on tap). */
export interface Teardown {
  teardown(fn: () => unknown): void
}

export interface ServiceProcess {
  url: string
  child: ChildProcess
  /** What the process printed (stdout and stderr), a line an entry. */
  output: string[]
  /** SIGTERM, SIGKILL after 10 s; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>
}

export interface ServiceProcessOptions {
  service: ServiceName
  /** The process's environment on top of this one's. */
  env: Record<string, string | undefined>
  /** Where it listens (the PORT of `env`): /ready is asked there. */
  url: string
  /** The service's folder; default: services/<service> of this checkout. */
  dir?: string
}

/** Starts a built service and waits until /ready answers 200; stopped at the test's teardown. */
export async function startServiceProcess(
  t: Teardown,
  options: ServiceProcessOptions,
): Promise<ServiceProcess> {
  const { service, url } = options
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: options.dir ?? serviceDir(repoRoot(), service),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const keep = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean))
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = once(child, 'exit')
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.kill('SIGTERM')
    await exited
    clearTimeout(kill)
  }
  t.teardown(stop)
  await waitUntil(`${service} at ${url}/ready`, async () => {
    if (child.exitCode !== null) throw new Error(`exited: ${output.slice(-10).join('\n')}`)
    const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) })
    if (res.status !== 200) throw new Error(`/ready answered ${res.status}`)
  })
  return { url, child, output, stop }
}

/** Applies user-service's migrations to the DATABASE_URL of `env`, as an operator would (its CLI). */
export async function migrateUserDatabase(
  env: Record<string, string | undefined>,
  dir = serviceDir(repoRoot(), 'user-service'),
): Promise<void> {
  await promisify(execFile)(process.execPath, ['dist/cli/index.js', 'db:migrate'], {
    cwd: dir,
    env: { ...process.env, ...env },
  })
}

/** A message table of this test file's own (`<prefix>-<random>`), dropped at teardown. */
export async function testTable(t: Teardown, facts: StackFacts, prefix: string): Promise<string> {
  const table = `${prefix}-${uniqueSuffix()}`
  const admin = localDynamoClient(facts.dynamodb.endpoint, facts.region)
  await ensureTable(admin, table)
  t.teardown(async () => {
    await dropTable(admin, table)
    admin.destroy()
  })
  return table
}
