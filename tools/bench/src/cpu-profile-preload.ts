/**
 * Loaded into a service with NODE_OPTIONS=--import (Node 20 refuses --cpu-prof there): starts
 * V8's sampling profiler at once and writes the profile into BENCH_CPU_PROF_DIR when the
 * process exits. Same-thread inspector sessions answer synchronously, so the 'exit' handler can
 * still write the file.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'
import path from 'node:path'

const dir = process.env.BENCH_CPU_PROF_DIR
if (dir) {
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.start')
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return
      const file = path.join(dir, `CPU.bench.${Date.now()}.${process.pid}.cpuprofile`)
      writeFileSync(file, JSON.stringify(result.profile))
    })
  })
}
