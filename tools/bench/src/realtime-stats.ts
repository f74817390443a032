/** Pure helpers of scenario 9 (the realtime stream): SSE parsing, the open-loop schedule, matching. */
import { parseSseBlock } from '@cruddur/local-stack'
import { percentile, round } from './stats.js'

/** One block of a text/event-stream (only what the bench needs of it). */
export interface SseBlock {
  event?: string
  id?: string
  data?: string
  retry?: number
  comments: number
}

/**
 * Incremental text/event-stream parser: feed it chunks as they come off the socket, it answers
 * the blocks they completed (a block may be split over chunks, a chunk may hold many blocks).
 */
export class SseSplitter {
  private buffer = ''

  push(chunk: string): SseBlock[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n')
    const blocks: SseBlock[] = []
    for (let end = this.buffer.indexOf('\n\n'); end !== -1; end = this.buffer.indexOf('\n\n')) {
      const raw = this.buffer.slice(0, end)
      this.buffer = this.buffer.slice(end + 2)
      if (raw !== '') blocks.push(parseBlock(raw.split('\n')))
    }
    return blocks
  }
}

/** The local stack's block parser; the bench keeps only how many comments a block had. */
function parseBlock(lines: string[]): SseBlock {
  const { comments, ...fields } = parseSseBlock(lines)
  return { ...fields, comments: comments.length }
}

/**
 * When each send of an open-loop run is due, in ms from the start: `rate` per second at fixed
 * intervals for `durationS` seconds, whatever the answers' latency (a closed loop would slow
 * down with the server and hide its queueing).
 */
export function openLoopSchedule(rate: number, durationS: number): number[] {
  if (!(rate > 0) || !(durationS > 0)) return []
  const count = Math.floor(rate * durationS)
  const interval = 1000 / rate
  return Array.from({ length: count }, (_, i) => round(i * interval, 3))
}

export interface DeliveryResult {
  sends: number
  delivered: number
  /** Sends whose message never reached the recipient's stream. */
  missed: number
  /** `message` events beyond the first for the same message. */
  duplicates: number
  /** `message` events of no message this run sent (e.g. a stray replay). */
  unexpected: number
  /** Deliveries whose event was read before the send's answer was (latency < 0). */
  negative: number
  p50Ms: number
  p99Ms: number
  minMs: number
  maxMs: number
}

/**
 * Delivery latency per message: the first `message` event's arrival minus the time the send's
 * 200 was read, both on the bench's clock. Negative values are kept as measured: the server
 * publishes after the write commits and before its answer is written, so the event can be
 * parsed before the answer is.
 */
export function matchDeliveries(
  sends: ReadonlyMap<string, number>,
  events: readonly { uuid: string; at: number }[],
): DeliveryResult {
  const first = new Map<string, number>()
  let duplicates = 0
  let unexpected = 0
  for (const e of events) {
    if (!sends.has(e.uuid)) unexpected++
    else if (first.has(e.uuid)) duplicates++
    else first.set(e.uuid, e.at)
  }
  const latencies: number[] = []
  for (const [uuid, answeredAt] of sends) {
    const at = first.get(uuid)
    if (at !== undefined) latencies.push(at - answeredAt)
  }
  latencies.sort((a, b) => a - b)
  return {
    sends: sends.size,
    delivered: latencies.length,
    missed: sends.size - latencies.length,
    duplicates,
    unexpected,
    negative: latencies.filter((l) => l < 0).length,
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    minMs: round(latencies[0] ?? 0, 2),
    maxMs: round(latencies.at(-1) ?? 0, 2),
  }
}

/** (after − before) ÷ streams, in KiB per stream (null when nothing was opened or a figure is missing). */
export function perStreamKiB(beforeKiB: number, afterKiB: number, streams: number): number | null {
  if (!(streams > 0) || !Number.isFinite(beforeKiB) || !Number.isFinite(afterKiB)) return null
  return round((afterKiB - beforeKiB) / streams, 1)
}

/** The soft "Max open files" of a /proc/<pid>/limits text (null when absent or unlimited). */
export function openFilesLimit(limits: string): number | null {
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1]
  return soft && /^\d+$/.test(soft) ? Number(soft) : null
}
