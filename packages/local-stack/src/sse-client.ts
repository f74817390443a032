import { parseSseBlock, type SseBlock } from './sse-block.js'

export type { SseBlock } from './sse-block.js'

export interface SseStream {
  status: number
  contentType: string
  /** The body when the answer is not a stream (an error). */
  body?: string
  /** Every block received so far, in order. */
  blocks: SseBlock[]
  /** The last `id:` received, as EventSource keeps it (also from blocks with no data). */
  lastEventId: string | undefined
  /** Resolves with the first block (from `from` on) that matches, or rejects after `timeoutMs`. */
  next(match: (block: SseBlock) => boolean, timeoutMs?: number, from?: number): Promise<SseBlock>
  /** Resolves when the server ended the stream (or the connection broke). */
  ended: Promise<void>
  close(): void
}

/**
 * A text/event-stream client for tests (fetch-based, so it can send headers): keeps every
 * block, and the last event id the way EventSource does.
 */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController()
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal })
  const contentType = res.headers.get('content-type') ?? ''
  const waiters = new Set<() => void>()
  const stream: SseStream = {
    status: res.status,
    contentType,
    blocks: [],
    lastEventId: undefined,
    ended: Promise.resolve(),
    close: () => abort.abort(),
    next(match, timeoutMs = 10_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = stream.blocks.slice(from).find(match)
          if (!found) return false
          waiters.delete(check as () => void)
          clearTimeout(timer)
          resolve(found)
          return true
        }
        const timer = setTimeout(() => {
          waiters.delete(check as () => void)
          reject(new Error(`no matching stream block within ${timeoutMs} ms (got ${stream.blocks.length})`))
        }, timeoutMs)
        if (!check()) waiters.add(check as () => void)
      })
    },
  }
  if (!contentType.startsWith('text/event-stream') || !res.body) {
    stream.body = await res.text()
    return stream
  }
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  stream.ended = (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n')
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = parseSseBlock(buffer.slice(0, end).split('\n'))
          buffer = buffer.slice(end + 2)
          if (block.id !== undefined) stream.lastEventId = block.id
          stream.blocks.push(block)
          for (const waiter of [...waiters]) waiter()
        }
      }
    } catch {
      // Aborted by close(), or the connection broke: the stream has ended either way.
    }
  })()
  return stream
}
