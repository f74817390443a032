import { DEFAULT_TABLE_NAME } from '@cruddur/dynamodb'
import { commonConfigProperties } from '@cruddur/service-kit'
import { type Static, Type } from 'typebox'

/** messaging-service configuration, validated at start by @fastify/env (the tools use it too). */
export const ConfigSchema = Type.Object({
  ...commonConfigProperties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4002 }),
  /** Unset means real AWS DynamoDB in AWS_REGION. */
  DYNAMODB_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  DDB_MESSAGE_TABLE: Type.String({ default: DEFAULT_TABLE_NAME, pattern: '^[a-zA-Z0-9_.-]{3,255}$' }),
  /** Unset means the pool's AWS JWKS (https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json). */
  COGNITO_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  USER_SERVICE_URL: Type.String({ pattern: '^https?://' }),
  /** Signs list cursors; this service's own secret (never INTERNAL_TOKEN). */
  CURSOR_SECRET: Type.String({ minLength: 32 }),
  /** The secret before a rotation: cursors it signed are still accepted, new ones use CURSOR_SECRET. */
  CURSOR_SECRET_PREVIOUS: Type.Optional(Type.String({ minLength: 32 })),
  /** Live events between instances and the shared send limit; unset = in-process (one instance only). */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** Between two `: ping` comments on an open stream (proxies drop quiet connections). */
  STREAM_PING_MS: Type.Integer({ minimum: 50, maximum: 20_000, default: 15_000 }),
  /** The `retry:` a stream tells its client: how soon to reconnect after a drop. */
  STREAM_RETRY_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 2_000 }),
  /**
   * Test seam: this instance's clock runs this many ms off (to prove that instances whose clocks
   * disagree lose and repeat nothing). Refused in production.
   */
  TEST_CLOCK_OFFSET_MS: Type.Integer({ minimum: -600_000, maximum: 600_000, default: 0 }),
  /** Sends per caller per window: 30 per 3 s lets a burst of 30 through and 10 a second sustained. */
  SEND_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 30 }),
  SEND_RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 100, default: 3_000 }),
})
export type Config = Static<typeof ConfigSchema>
