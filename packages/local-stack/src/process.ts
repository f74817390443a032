import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process'
import { once } from 'node:events'
import { waitUntil } from './wait.js'

export interface ManagedProcess {
  name: string
  child: ChildProcess
  /** Resolves once the process has exited (immediately if it already has). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>
  /** Output kept for error messages when the process dies during start-up. */
  recentOutput(): string
}

/**
 * Spawns a long-running engine process, keeps its last output lines for diagnostics, and
 * stops it with a signal, escalating to SIGKILL after a grace period so nothing is orphaned.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { onLine?: (line: string) => void } = {},
): ManagedProcess {
  const { onLine, ...spawnOptions } = options
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions })
  const tail: string[] = []
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue
      tail.push(line)
      if (tail.length > 40) tail.shift()
      onLine?.(line)
    }
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  child.on('error', (error) => tail.push(`spawn error: ${error.message}`))
  let exited = child.exitCode !== null
  child.once('exit', () => {
    exited = true
  })

  return {
    name,
    child,
    recentOutput: () => tail.join('\n'),
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (exited || child.exitCode !== null || child.signalCode !== null) return
      const exit = once(child, 'exit')
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      try {
        await exit
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

/** Rejects as soon as the process exits, so a crashed engine fails fast instead of timing out. */
export function failOnExit(proc: ManagedProcess): { promise: Promise<never>; cancel: () => void } {
  let onExit: (code: number | null, signal: NodeJS.Signals | null) => void = () => {}
  const promise = new Promise<never>((_, reject) => {
    onExit = (code, signal) =>
      reject(
        new Error(
          `${proc.name} exited during start-up (code ${code}, signal ${signal}). Its last output:\n${proc.recentOutput()}`,
        ),
      )
    proc.child.once('exit', onExit)
  })
  promise.catch(() => {})
  return { promise, cancel: () => proc.child.off('exit', onExit) }
}

/**
 * Waits until `probe` answers while the process lives. If it dies first or never answers, it
 * is killed before the error is passed on, so a failed start never leaves it behind.
 */
export async function awaitReady(
  proc: ManagedProcess,
  what: string,
  probe: () => Promise<unknown>,
  timeoutMs = 60_000,
): Promise<void> {
  const died = failOnExit(proc)
  try {
    await Promise.race([died.promise, waitUntil(what, probe, { timeoutMs })])
  } catch (error) {
    await proc.stop('SIGKILL')
    throw error
  } finally {
    died.cancel()
  }
}
