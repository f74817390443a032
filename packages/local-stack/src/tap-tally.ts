/** Adds up tap's closing `# { total: N, pass: P, fail: F }` lines from every package's run. */
export function tapTally() {
  const totals = { pass: 0, fail: 0, skip: 0, runs: 0 }
  let pending = ''
  return {
    feed(chunk: Buffer) {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const m = /# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?/.exec(line)
        if (!m) continue
        totals.runs++
        totals.pass += Number(m[2] ?? 0)
        totals.fail += Number(m[3] ?? 0)
        totals.skip += Number(m[4] ?? 0)
      }
    },
    totals,
  }
}
