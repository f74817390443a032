/**
 * The machine-wide registry of who holds the postgres user's traverse grants (postgres-access.ts):
 * a root-only folder with one file per holder, changed under a lock, so the last holder to stop
 * is the one that takes the grants back.
 */
import { lstatSync } from 'node:fs'
import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export async function withLock<T>(registry: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(registry, '.lock')
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      await mkdir(lock)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      // A holder killed inside its few milliseconds of critical section leaves the lock behind.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs
      if (age > 10_000) await rm(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`could not take ${lock} within 15 s`)
      await sleep(10)
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface Holder {
  pid: number
  dirs: string[]
}

export async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T
  } catch {
    return fallback
  }
}

/** Makes the registry folder, refusing one that is not root's own real folder. */
export async function openRegistry(registry: string): Promise<void> {
  await mkdir(registry, { recursive: true, mode: 0o700 })
  const st = lstatSync(registry)
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0)
    throw new Error(`refusing ${registry}: not a folder of root's that only root can write`)
}
