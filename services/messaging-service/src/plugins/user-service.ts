import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createUserServiceClient, type UserServiceClient } from '../clients/user-service.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The HTTP client of user-service's /internal API: who is this sub / handle / uuid. */
    userService: UserServiceClient
  }
}

/** The user-service client, shared by every request. */
export default fp(
  async (fastify: FastifyInstance) => {
    fastify.decorate(
      'userService',
      createUserServiceClient({
        baseUrl: fastify.config.USER_SERVICE_URL,
        internalToken: fastify.config.INTERNAL_TOKEN,
      }),
    )
  },
  { name: 'user-service', dependencies: ['config'] },
)
