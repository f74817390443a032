import type { FastifyInstance } from 'fastify'
import { httpAnswer } from './error-answers.js'
import messageGroupsRoutes from './message-groups.js'
import messagesRoutes from './messages.js'
import streamRoutes from './stream.js'

/**
 * The public API (under /api): every route needs the caller's identity (the stream may prove it
 * with a ticket instead of the header), and every domain outcome is answered through the one
 * table (then the service's root error handler writes the body).
 */
export default async function apiRoutes(fastify: FastifyInstance) {
  fastify.setErrorHandler((error) => {
    throw httpAnswer(error)
  })
  await fastify.register(async (authenticated) => {
    authenticated.addHook('onRequest', fastify.authenticate)
    await authenticated.register(messageGroupsRoutes)
    await authenticated.register(messagesRoutes)
  })
  await fastify.register(streamRoutes)
}
