import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type Conversations, createConversations } from '../conversations/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The conversations domain (use cases) bound to this service's table, user-service and secrets. */
    conversations: Conversations
  }
}

/** The repository of conversations and its decorator: what the routes call, and all they call. */
export default fp(
  async (fastify: FastifyInstance) => {
    const { CURSOR_SECRET, CURSOR_SECRET_PREVIOUS } = fastify.config
    fastify.decorate(
      'conversations',
      createConversations({
        doc: fastify.dynamodb.doc,
        table: fastify.dynamodb.table,
        directory: fastify.userService,
        cursorSecrets: { current: CURSOR_SECRET, previous: CURSOR_SECRET_PREVIOUS },
      }),
    )
  },
  { name: 'conversations', dependencies: ['config', 'dynamodb', 'user-service'] },
)
