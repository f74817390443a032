import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type CognitoPool, cognitoClient } from '../cognito/client.js'

declare module 'fastify' {
  interface FastifyInstance {
    cognito: CognitoPool
  }
}

/** The service's Cognito pool, closed with the service. */
export default fp(
  async (fastify: FastifyInstance) => {
    const client = cognitoClient(fastify.config)
    fastify.decorate('cognito', { client, userPoolId: fastify.config.COGNITO_USER_POOL_ID })
    fastify.addHook('onClose', async () => client.destroy())
  },
  { name: 'cognito', dependencies: ['config'] },
)
