import { commonConfigProperties } from '@cruddur/service-kit'
import { type Static, Type } from 'typebox'

/** An upstream is addressed by its origin: a path would be dropped when requests are forwarded. */
const UpstreamUrl = (description: string) => Type.String({ pattern: '^https?://[^/?#\\s]+/?$', description })

const { HOST, LOG_LEVEL, FRONTEND_URL } = commonConfigProperties

/** Gateway configuration (PORT, HOST, LOG_LEVEL, the two upstreams, FRONTEND_URL), validated at start. */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4000 }),
  HOST,
  LOG_LEVEL,
  USER_SERVICE_URL: UpstreamUrl('user-service origin, e.g. http://localhost:4001'),
  MESSAGING_SERVICE_URL: UpstreamUrl('messaging-service origin, e.g. http://localhost:4002'),
  FRONTEND_URL,
})
export type Config = Static<typeof ConfigSchema>
