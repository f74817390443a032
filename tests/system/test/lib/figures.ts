import type { Test } from 'tap'
import { seen } from './http.js'

/** Distinct messages the service acknowledged (a retried send with its key counts once). */
export const acknowledgedMessages = new Set<string>()

/** The figures the issue asks for, counted by the tests of one file as they run. */
export const figures = {
  sendsAttempted: 0,
  sendsAcknowledged: 0,
  /** Distinct acknowledged messages found again exactly once when the conversations were read back. */
  sendsStoredOnce: 0,
  /** Sends refused with a clean 503 and retried with the same Idempotency-Key. */
  retriesAfter503: 0,
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
    sendsAttempted: figures.sendsAttempted,
    sendsAcknowledged: figures.sendsAcknowledged,
    messagesAcknowledged: acknowledgedMessages.size,
    messagesStoredOnce: figures.sendsStoredOnce,
    retriesAfter503: figures.retriesAfter503,
    faultsInjected: figures.faultsInjected,
    faultsRecovered: figures.faultsRecovered,
    hostileInputs: figures.hostileInputs,
    hostile5xx: figures.hostile5xx,
    requests: seen.requests,
    responses5xx: seen.status5xx,
    byStatus: Object.fromEntries([...seen.byStatus.entries()].sort(([a], [b]) => a - b)),
  }
  t.comment(`system figures ${JSON.stringify(line)}`)
  process.stderr.write(`system figures ${JSON.stringify(line)}\n`)
}
