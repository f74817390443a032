/**
 * A lean GET /api/stream client for scenario 9 on node:http: one socket per stream (no agent,
 * no pooling), the bench's own incremental parser, no copy of every block kept. Thousands of
 * these stay cheap in the bench process, so the server is what the figures measure.
 */
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { type SseBlock, SseSplitter } from './realtime-stats.js'

export interface BenchStream {
  /** Resolves when the connect block (an `id:` and a `retry:`) arrived: the stream is live. */
  opened: Promise<void>
  /** Resolves when the connection has closed (either side). */
  ended: Promise<void>
  close(): void
}

/**
 * Opens the caller's stream with `Authorization: Bearer`. `onBlock` gets every block with the
 * time its chunk came off the socket (taken before parsing, so the parser's cost is not in it).
 */
export function openBenchStream(
  baseUrl: string,
  token: string,
  onBlock: (block: SseBlock, at: number) => void = () => {},
  timeoutMs = 30_000,
): BenchStream {
  const splitter = new SseSplitter()
  let settle: { resolve: () => void; reject: (e: Error) => void } | undefined
  const opened = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject }
  })
  let endedResolve: () => void = () => {}
  const ended = new Promise<void>((resolve) => {
    endedResolve = resolve
  })
  const fail = (error: Error) => {
    settle?.reject(error)
    settle = undefined
  }
  const timer = setTimeout(() => {
    fail(new Error(`no connect block within ${timeoutMs} ms`))
    req.destroy()
  }, timeoutMs)
  const req = http.get(
    `${baseUrl}/api/stream`,
    { agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } },
    (res) => {
      if (res.statusCode !== 200) {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          body += c
        })
        res.on('end', () =>
          fail(new Error(`GET /api/stream answered ${res.statusCode}: ${body.slice(0, 200)}`)),
        )
        return
      }
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        const at = performance.now()
        for (const block of splitter.push(chunk)) {
          if (settle && block.id !== undefined && block.retry !== undefined) {
            clearTimeout(timer)
            settle.resolve()
            settle = undefined
          }
          onBlock(block, at)
        }
      })
      res.on('error', () => {})
    },
  )
  req.on('error', (error) => fail(error))
  req.on('close', () => {
    clearTimeout(timer)
    fail(new Error('the stream closed before its connect block'))
    endedResolve()
  })
  // A rejection nobody awaits (the stream was closed on purpose) must not crash the bench.
  opened.catch(() => {})
  return { opened, ended, close: () => req.destroy() }
}

/** Opens `count` streams, `width` at a time; answers them once every one received its connect block. */
export async function openMany(
  count: number,
  width: number,
  open: (i: number) => BenchStream,
): Promise<BenchStream[]> {
  const streams: BenchStream[] = []
  let next = 0
  try {
    await Promise.all(
      Array.from({ length: Math.min(width, count) }, async () => {
        while (next < count) {
          const stream = open(next++)
          streams.push(stream)
          await stream.opened
        }
      }),
    )
  } catch (error) {
    await closeAll(streams)
    throw error
  }
  return streams
}

/** Closes every stream and waits until each connection is gone. */
export async function closeAll(streams: BenchStream[]): Promise<void> {
  for (const s of streams) s.close()
  await Promise.all(streams.map((s) => s.ended))
}
