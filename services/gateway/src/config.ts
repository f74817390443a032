import { commonConfigProperties } from '@cruddur/service-kit'
import { type Static, Type } from 'typebox'

/** An upstream is addressed by its origin: a path would be dropped when requests are forwarded. */
const UpstreamUrl = (description: string) => Type.String({ pattern: '^https?://[^/?#\\s]+/?$', description })

const {
  HOST,
  LOG_LEVEL,
  FRONTEND_URL,
  AWS_REGION,
  COGNITO_ENDPOINT,
  COGNITO_USER_POOL_ID,
  COGNITO_CLIENT_ID,
} = commonConfigProperties

/** `handle:email` pairs, comma-separated (no spaces), e.g. `bayko:bayko@exampro.co,londo:lmollari@centari.com`. */
const DEMO_ACCOUNT = '[A-Za-z0-9_]+:[^\\s,:@]+@[^\\s,:@]+'

/**
 * Gateway configuration, validated at start. The API part: PORT, HOST, LOG_LEVEL, the two
 * upstreams, FRONTEND_URL. The web page's part (GET /web-config.json): the pool the page signs
 * in with (COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID, both or neither: without them the page is
 * not served), AWS_REGION, COGNITO_ENDPOINT (a local Cognito the browser can reach) and, for a
 * local stack only, the demo accounts the sign-in page lists (rules across variables:
 * src/web/web-config.ts).
 */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4000 }),
  HOST,
  LOG_LEVEL,
  USER_SERVICE_URL: UpstreamUrl('user-service origin, e.g. http://localhost:4001'),
  MESSAGING_SERVICE_URL: UpstreamUrl('messaging-service origin, e.g. http://localhost:4002'),
  FRONTEND_URL,
  // Optional only in name (its default fills it): the API alone never needs it set.
  AWS_REGION: Type.Optional(AWS_REGION),
  COGNITO_ENDPOINT,
  COGNITO_USER_POOL_ID: Type.Optional(COGNITO_USER_POOL_ID),
  COGNITO_CLIENT_ID: Type.Optional(COGNITO_CLIENT_ID),
  WEB_DEMO_ACCOUNTS: Type.Optional(
    Type.String({
      pattern: `^${DEMO_ACCOUNT}(,${DEMO_ACCOUNT})*$`,
      description: 'handle:email pairs, comma-separated, listed on the sign-in page (local Cognito only)',
    }),
  ),
  WEB_DEMO_PASSWORD: Type.Optional(
    Type.String({ minLength: 1, description: 'The demo accounts’ shared password (local Cognito only)' }),
  ),
})
export type Config = Static<typeof ConfigSchema>
