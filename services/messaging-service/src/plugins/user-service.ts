import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createUserServiceClient, type UserServiceClient } from '../clients/user-service.js'

declare module 'fastify' {
  interface FastifyInstance {
    users: UserServiceClient
  }
}

/** The user-service client (who is this sub / handle / uuid), shared by every request. */
export default fp(
  async (fastify: FastifyInstance) => {
    fastify.decorate(
      'users',
      createUserServiceClient({
        baseUrl: fastify.config.USER_SERVICE_URL,
        internalToken: fastify.config.INTERNAL_TOKEN,
      }),
    )
  },
  { name: 'user-service', dependencies: ['config'] },
)
