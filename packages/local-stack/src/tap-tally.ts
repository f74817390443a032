/** How many failed assertions the closing report names (the rest are only counted). */
const MAX_FAILURES_NAMED = 20
/** Diagnostic lines kept under each named failure (tap's YAML block: found, wanted, at…). */
const MAX_DIAGNOSTIC_LINES = 12

/** turbo prefixes every line of a task with `<package>:<task>: `. */
const TASK_PREFIX = /^(\S+):test: /

/**
 * Adds up tap's closing `# { total: N, pass: P, fail: F }` lines from every package's run, and
 * keeps each failed assertion (`not ok …`, with its diagnostics): a CI log is often read from
 * its end only, where the failure itself has long scrolled by.
 */
export function tapTally() {
  const totals = { pass: 0, fail: 0, skip: 0, runs: 0 }
  const failures: string[][] = []
  let pending = ''
  /** The failure whose YAML diagnostics (between `---` and `...`) come next, if any. */
  let open: { lines: string[]; inBlock: boolean } | undefined
  const read = (line: string) => {
    const body = line.replace(TASK_PREFIX, '').trim()
    if (open && !open.inBlock && body === '---') {
      open.inBlock = true
      return
    }
    if (open?.inBlock) {
      if (body === '...') open = undefined
      else if (open.lines.length <= MAX_DIAGNOSTIC_LINES) open.lines.push(`    ${body}`)
      return
    }
    open = undefined
    const m = /# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?(?:, skip: (\d+))?/.exec(line)
    if (m) {
      totals.runs++
      totals.pass += Number(m[2] ?? 0)
      totals.fail += Number(m[3] ?? 0)
      totals.skip += Number(m[4] ?? 0)
      return
    }
    const failed = /^not ok \d+ - (.*)$/.exec(body)
    if (!failed || /# (TODO|SKIP)\b/i.test(failed[1] ?? '') || failures.length >= MAX_FAILURES_NAMED) return
    const where = TASK_PREFIX.exec(line)?.[1]
    const lines = [`${where ? `${where}: ` : ''}not ok - ${(failed[1] ?? '').trim()}`]
    failures.push(lines)
    open = { lines, inBlock: false }
  }
  return {
    feed(chunk: Buffer) {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) read(line)
    },
    totals,
    /** The failed assertions seen (at most MAX_FAILURES_NAMED), innermost first as tap prints them. */
    get failures(): string[] {
      return failures.map((lines) => lines.join('\n'))
    },
  }
}
