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
})
export type Config = Static<typeof ConfigSchema>
