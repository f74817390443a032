import type { Test } from 'tap'
import { seen } from './http.js'

/** The figures the issue asks for, counted by the tests of one file as they run. */
export const figures = {
  sendsAttempted: 0,
  sendsAcknowledged: 0,
  /** Acknowledged messages found again (exactly once each) when the conversations were read back. */
  sendsStoredOnce: 0,
  faultsInjected: 0,
  faultsRecovered: 0,
  hostileInputs: 0,
  hostile5xx: 0,
}

/** Prints the figures as a TAP comment and on stderr (one greppable line per file). */
export function reportFigures(t: Test, file: string, startedAt: number) {
  const line = {
    file,
    seconds: Number(((Date.now() - startedAt) / 1000).toFixed(1)),
    ...figures,
    requests: seen.requests,
    responses5xx: seen.status5xx,
    byStatus: Object.fromEntries([...seen.byStatus.entries()].sort(([a], [b]) => a - b)),
  }
  t.comment(`system figures ${JSON.stringify(line)}`)
  process.stderr.write(`system figures ${JSON.stringify(line)}\n`)
}
