import type { FastifyInstance } from 'fastify'
import internalCognitoRoutes from './cognito.js'
import internalUsersRoutes from './users.js'

/**
 * Everything under /internal: service-to-service only. The token check is an onRequest hook
 * of this encapsulated context, so it runs before body parsing and validation (401 first).
 */
export default async function internalRoutes(fastify: FastifyInstance) {
  fastify.addHook('onRequest', fastify.requireInternalToken)
  await fastify.register(internalUsersRoutes)
  await fastify.register(internalCognitoRoutes)
}
