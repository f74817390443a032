import sseModule, { type SSEPluginOptions } from '@fastify/sse'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { createTickets, StreamHub, type Streams } from '../live/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The streams of this instance: their log, hub, tickets and timings. */
    streams: Streams
  }
}

/**
 * The plugin as the package exports it (fastify-plugin wrapped, so its route hook reaches every
 * route); its type declarations describe the default export of an ES module, which it is not.
 */
const sse = sseModule as unknown as FastifyPluginAsync<SSEPluginOptions>

/** How soon a client whose stream this instance ended comes back (to any instance). */
const RETRY_AFTER_END_MS = 1_000

/**
 * The live streams: @fastify/sse for the framing (its own heartbeat off: ours carries the resume
 * point), tickets in the table, and the hub that ends every stream, with a retry hint, when the
 * instance shuts down or the bus can no longer promise delivery.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    await fastify.register(sse, { heartbeatInterval: 0 })
    const hub = new StreamHub()
    const now = fastify.clock
    const { conversations } = fastify
    fastify.decorate('streams', {
      source: {
        activeSince: conversations.activeSince,
        messagesFrom: conversations.messagesFrom,
        readsSince: conversations.readsSince,
      },
      hub,
      now,
      pingMs: fastify.config.STREAM_PING_MS,
      retryMs: fastify.config.STREAM_RETRY_MS,
      tickets: createTickets({ doc: fastify.dynamodb.doc, table: fastify.dynamodb.table, now }),
    })
    fastify.bus.onDown((reason) => {
      const ended = hub.endAll(RETRY_AFTER_END_MS)
      if (ended > 0) fastify.log.warn({ reason, ended }, 'event bus lost: streams told to resume')
    })
    // Before the server waits for its connections: a stream never ends by itself.
    fastify.addHook('preClose', async () => {
      const ended = hub.endAll(RETRY_AFTER_END_MS)
      if (ended > 0) fastify.log.info({ ended }, 'shutting down: streams told to resume elsewhere')
    })
  },
  { name: 'streams', dependencies: ['config', 'dynamodb', 'conversations', 'live-bus'] },
)
