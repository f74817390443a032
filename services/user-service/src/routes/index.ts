import type { FastifyInstance } from 'fastify'
import { httpAnswer } from './error-answers.js'
import internalRoutes from './internal/index.js'
import usersRoutes from './users.js'

/**
 * Every route of the service: the public ones and, under /internal, the service-to-service ones.
 * Every domain outcome is answered through the one table (then the root error handler writes the body).
 */
export default async function routes(fastify: FastifyInstance) {
  fastify.setErrorHandler((error) => {
    throw httpAnswer(error)
  })
  await fastify.register(usersRoutes)
  await fastify.register(internalRoutes, { prefix: '/internal' })
}
