import { commonConfigProperties } from '@cruddur/service-kit'
import { type Static, Type } from 'typebox'

/** messaging-service configuration (CONTRACT.md section 4), validated at start by @fastify/env. */
export const ConfigSchema = Type.Object({
  ...commonConfigProperties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4002 }),
  /** Unset means real AWS DynamoDB in AWS_REGION. */
  DYNAMODB_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  DDB_MESSAGE_TABLE: Type.String({ default: 'cruddur-messages', pattern: '^[a-zA-Z0-9_.-]{3,255}$' }),
  /** Unset means the pool's AWS JWKS (https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json). */
  COGNITO_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  USER_SERVICE_URL: Type.String({ pattern: '^https?://' }),
})
export type Config = Static<typeof ConfigSchema>
