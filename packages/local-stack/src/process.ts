import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process'
import { waitUntil } from './wait.js'

export interface ManagedProcess {
  name: string
  child: ChildProcess
  /** Resolves once the process (and its process group) has exited, immediately if it already has. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>
  /** SIGKILL to the whole process group at once: what a crash looks like. */
  kill(): void
  /** Output kept for error messages when the process dies during start-up. */
  recentOutput(): string
}

export interface ProcessOptions extends SpawnOptions {
  onLine?: (line: string) => void
  /**
   * The signal the process gets when the stack dies without stopping it (kill -9): SIGTERM for
   * most, SIGINT for PostgreSQL (its fast shutdown). Set with the kernel's parent-death signal.
   */
  deathSignal?: NodeJS.Signals
}

let setprivAvailable: boolean | undefined
/**
 * util-linux's setpriv sets the kernel's parent-death signal (prctl PR_SET_PDEATHSIG) and execs
 * the engine: the kernel then signals it when the stack dies, even by SIGKILL. Linux only; where
 * it is missing (macOS) a killed stack leaves its engines behind.
 */
export function hasSetpriv(): boolean {
  setprivAvailable ??=
    process.platform === 'linux' &&
    spawnSync('setpriv', ['--pdeathsig', 'SIGTERM', '--', 'true'], { stdio: 'ignore' }).status === 0
  return setprivAvailable
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return
  try {
    process.kill(-pid, signal)
  } catch {
    // ESRCH: the group is already gone
  }
}

/**
 * Spawns a long-running engine or service:
 * - in a process group of its own (detached), so the terminal's Ctrl-C reaches only the stack,
 *   which then stops the services first (they drain) and the engines after;
 * - with the parent-death signal set, so a stack killed with -9 leaves no orphans;
 * - with umask 077, so whatever it writes (data files, pool files) is private to its owner.
 * It keeps the last output lines for diagnostics, and stops with a signal to the process,
 * escalating to SIGKILL for the whole group after a grace period.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: ProcessOptions = {},
): ManagedProcess {
  const { onLine, deathSignal = 'SIGTERM', ...spawnOptions } = options
  const [file, argv] = hasSetpriv()
    ? ['setpriv', ['--pdeathsig', deathSignal, '--', command, ...args]]
    : [command, args]
  // The child inherits the umask at fork; spawn forks synchronously, so this is scoped to it.
  const umask = process.umask(0o077)
  let child: ChildProcess
  try {
    child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions, detached: true })
  } finally {
    process.umask(umask)
  }
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
  // 'exit', or 'error' alone when it could not be spawned at all.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      // Whatever the leader left behind in its group (a forwarder's java, postgres backends).
      signalGroup(child.pid, 'SIGKILL')
      resolve()
    })
    child.once('error', () => {
      if (!child.pid) resolve()
    })
  })
  const running = () => child.exitCode === null && child.signalCode === null

  return {
    name,
    child,
    recentOutput: () => tail.join('\n'),
    kill: () => signalGroup(child.pid, 'SIGKILL'),
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (!running()) return exited
      child.kill(signal)
      const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs)
      try {
        await exited
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
    const { exitCode, signalCode } = proc.child
    // Already gone (a second wait, e.g. for /ready after /health): no 'exit' event will come.
    if (exitCode !== null || signalCode !== null) onExit(exitCode, signalCode)
    else proc.child.once('exit', onExit)
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
