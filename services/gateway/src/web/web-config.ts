import type { WebConfig } from '@cruddur/types'
import type { Config } from '../config.js'

/** A combination of variables the schema alone cannot refuse: stops the gateway, naming them. */
export class WebConfigError extends Error {
  override name = 'WebConfigError'
}

function demoAccounts(list: string): NonNullable<WebConfig['demo']>['accounts'] {
  return list.split(',').map((pair) => {
    const at = pair.indexOf(':')
    return { handle: pair.slice(0, at), email: pair.slice(at + 1) }
  })
}

/**
 * What `GET /web-config.json` answers, from the validated config; undefined when no pool is
 * configured (the gateway then serves the API only). The demo accounts and their password are
 * published to every visitor, so they are accepted only next to a local Cognito
 * (COGNITO_ENDPOINT set): a gateway in front of real Cognito refuses to start with them.
 */
export function webConfigOf(config: Config): WebConfig | undefined {
  const { COGNITO_USER_POOL_ID: userPoolId, COGNITO_CLIENT_ID: clientId } = config
  const { WEB_DEMO_ACCOUNTS: accounts, WEB_DEMO_PASSWORD: password, COGNITO_ENDPOINT: endpoint } = config
  if ((userPoolId === undefined) !== (clientId === undefined)) {
    throw new WebConfigError(
      'COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID: set both (the web page signs in with them) or neither',
    )
  }
  if ((accounts === undefined) !== (password === undefined)) {
    throw new WebConfigError('WEB_DEMO_ACCOUNTS and WEB_DEMO_PASSWORD: set both or neither')
  }
  if (accounts !== undefined && (endpoint === undefined || userPoolId === undefined)) {
    throw new WebConfigError(
      'WEB_DEMO_ACCOUNTS and WEB_DEMO_PASSWORD are for a local Cognito only: they need COGNITO_ENDPOINT ' +
        'and the pool (COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID)',
    )
  }
  if (userPoolId === undefined || clientId === undefined) return undefined
  return {
    region: config.AWS_REGION ?? 'us-east-1',
    userPoolId,
    clientId,
    ...(endpoint !== undefined ? { cognitoEndpoint: endpoint } : {}),
    ...(accounts !== undefined && password !== undefined
      ? { demo: { password, accounts: demoAccounts(accounts) } }
      : {}),
  }
}

/** Where the page's sign-in calls go: the local Cognito, or the region's Cognito user pools API. */
export const cognitoOrigin = (web: WebConfig): string =>
  web.cognitoEndpoint
    ? new URL(web.cognitoEndpoint).origin
    : `https://cognito-idp.${web.region}.amazonaws.com`
