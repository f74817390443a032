import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type Conversations, createConversations } from '../conversations/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The conversations domain (use cases) bound to this service's table, user-service and secrets. */
    conversations: Conversations
    /** This instance's clock in ms (Date.now, unless a test set it off). */
    clock: () => number
  }
}

/** The repository of conversations and its decorator: what the routes call, and all they call. */
export default fp(
  async (fastify: FastifyInstance) => {
    const { CURSOR_SECRET, CURSOR_SECRET_PREVIOUS, TEST_CLOCK_OFFSET_MS: offset } = fastify.config
    const clock = offset === 0 ? Date.now : () => Date.now() + offset
    fastify.decorate('clock', clock)
    fastify.decorate(
      'conversations',
      createConversations({
        doc: fastify.dynamodb.doc,
        table: fastify.dynamodb.table,
        directory: fastify.userService,
        cursorSecrets: { current: CURSOR_SECRET, previous: CURSOR_SECRET_PREVIOUS },
        now: clock,
        events: fastify.bus,
      }),
    )
  },
  { name: 'conversations', dependencies: ['config', 'dynamodb', 'user-service', 'live-bus'] },
)
