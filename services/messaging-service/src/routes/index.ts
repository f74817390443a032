import type { FastifyInstance } from 'fastify'
import { httpAnswer } from './error-answers.js'
import messageGroupsRoutes from './message-groups.js'
import messagesRoutes from './messages.js'

/**
 * The public API (under /api): every route needs a valid access token, and every domain outcome
 * is answered through the one table (then the service's root error handler writes the body).
 */
export default async function apiRoutes(fastify: FastifyInstance) {
  fastify.addHook('onRequest', fastify.authenticate)
  fastify.setErrorHandler((error) => {
    throw httpAnswer(error)
  })
  await fastify.register(messageGroupsRoutes)
  await fastify.register(messagesRoutes)
}
