import type { FastifyReply } from 'fastify'
import type { EventBus } from './bus.js'
import type { StreamHub } from './hub.js'
import {
  StreamSession as Session,
  type StreamOutput,
  type StreamSession,
  type StreamSource,
} from './stream-session.js'

/** What every stream of an instance shares: the log it resumes from, the hub, the clock, the timings. */
export interface Streams {
  source: StreamSource
  hub: StreamHub
  now: () => number
  /** Between two `: ping` comments (at most 20 s). */
  pingMs: number
  /** The `retry:` a client is told at connect (how soon to reconnect when the stream drops). */
  retryMs: number
  tickets: {
    issue(sub: string): Promise<{ ticket: string; expires_at: string }>
    redeem(ticket: string): Promise<string | undefined>
  }
}

function output(reply: FastifyReply, retryMs: number): StreamOutput {
  return {
    event: (name, data, id) => reply.sse.send({ event: name, data, ...(id ? { id } : {}) }),
    checkpoint: async (id, ping) => {
      if (!reply.sse.isConnected) return
      if (ping) reply.raw.write(`: ping\nid: ${id}\n\n`)
      else await reply.sse.send({ id, data: undefined, retry: retryMs })
    },
  }
}

/**
 * One user's stream on `reply`: subscribes to the bus first (so nothing published meanwhile is
 * missed), then catches up from the table and goes live. Ends when the client leaves, or when
 * the hub ends it (shutdown, bus lost) with a retry hint.
 */
export async function openStream(input: {
  user: string
  reply: FastifyReply
  lastEventId: string | undefined
  streams: Streams
  bus: EventBus
}): Promise<StreamSession> {
  const { reply, streams } = input
  const log = reply.log
  let ended = false
  const end = (retryMs: number) => {
    if (ended) return
    ended = true
    void session.idle().then(async () => {
      if (reply.sse.isConnected) await reply.sse.send({ data: undefined, retry: retryMs }).catch(() => {})
      reply.sse.close()
    })
  }
  const session: StreamSession = new Session(
    input.user,
    streams.source,
    output(reply, streams.retryMs),
    streams.now,
    (err) => {
      if (!reply.sse.isConnected) return
      log.warn({ err }, 'stream failed: the client is told to resume')
      end(streams.retryMs)
    },
  )
  const unsubscribe = await input.bus.subscribe(input.user, (event) => session.push(event))
  reply.sse.keepAlive()
  const leave = streams.hub.add({ end })
  const ping = setInterval(() => void session.ping(), streams.pingMs)
  ping.unref()
  reply.sse.onClose(() => {
    ended = true
    clearInterval(ping)
    unsubscribe()
    leave()
  })
  await session.begin(input.lastEventId)
  return session
}
