/**
 * Loaded into a service with NODE_OPTIONS="--expose-gc --import=…" by scenario 9: on SIGWINCH it
 * runs a full garbage collection and writes process.memoryUsage() to
 * BENCH_MEMORY_PROBE_DIR/<pid>.<n>.json. Without the collection, RSS after opening 2,000
 * streams would count the garbage their requests left behind as the streams' cost.
 */
// SIGWINCH, not SIGUSR2: the services' graceful shutdown (close-with-grace) exits on SIGUSR2, and
// a process without this preload ignores SIGWINCH instead of dying.
import { renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const dir = process.env.BENCH_MEMORY_PROBE_DIR
const gc = (globalThis as { gc?: () => void }).gc
if (dir) {
  let n = 0
  process.on('SIGWINCH', () => {
    gc?.()
    const file = path.join(dir, `${process.pid}.${++n}.json`)
    // Written aside, then renamed: the bench polls for the file and must never read half of it.
    writeFileSync(`${file}.tmp`, JSON.stringify({ ...process.memoryUsage(), collected: gc !== undefined }))
    renameSync(`${file}.tmp`, file)
  })
}
