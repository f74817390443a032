import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type ConversationsRepository, createConversationsRepository } from '../repositories/conversations.js'

declare module 'fastify' {
  interface FastifyInstance {
    conversations: ConversationsRepository
  }
}

export default fp(
  async (fastify: FastifyInstance) => {
    fastify.decorate('conversations', createConversationsRepository(fastify))
  },
  { name: 'conversations', dependencies: ['dynamodb'] },
)
