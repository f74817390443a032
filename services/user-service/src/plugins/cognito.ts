import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'

export interface CognitoPool {
  client: CognitoIdentityProviderClient
  userPoolId: string
}

declare module 'fastify' {
  interface FastifyInstance {
    cognito: CognitoPool
  }
}

/**
 * A Cognito client for the pool. With COGNITO_ENDPOINT set (cognito-local) it gets dummy
 * static credentials; unset, it is real AWS with the default credential chain.
 */
export function cognitoClient(config: Pick<Config, 'AWS_REGION' | 'COGNITO_ENDPOINT'>) {
  return new CognitoIdentityProviderClient({
    region: config.AWS_REGION,
    ...(config.COGNITO_ENDPOINT
      ? { endpoint: config.COGNITO_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  })
}

export default fp(
  async (fastify: FastifyInstance) => {
    const client = cognitoClient(fastify.config)
    fastify.decorate('cognito', { client, userPoolId: fastify.config.COGNITO_USER_POOL_ID })
    fastify.addHook('onClose', async () => client.destroy())
  },
  { name: 'cognito', dependencies: ['config'] },
)
