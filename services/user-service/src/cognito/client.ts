import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import type { Config } from '../config.js'

/** The user pool the service works on: one client and the pool's id. */
export interface CognitoPool {
  client: CognitoIdentityProviderClient
  userPoolId: string
}

/**
 * A Cognito client for the pool, the one way this service and its tools build one. With
 * COGNITO_ENDPOINT set (cognito-local) it gets dummy static credentials; unset, it is real AWS
 * with the default credential chain.
 */
export function cognitoClient(config: Pick<Config, 'AWS_REGION' | 'COGNITO_ENDPOINT'>) {
  return new CognitoIdentityProviderClient({
    region: config.AWS_REGION,
    ...(config.COGNITO_ENDPOINT
      ? { endpoint: config.COGNITO_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  })
}
