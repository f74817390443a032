import fastifyEnv from '@fastify/env'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type TObject, Type } from 'typebox'
import { assertProductionSecrets } from './production-secrets.js'

/** Config variables both services read (README: Configuration), as @fastify/env schema parts. */
export const commonConfigProperties = {
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  AWS_REGION: Type.String({ default: 'us-east-1', pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' }),
  COGNITO_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  COGNITO_USER_POOL_ID: Type.String({ pattern: '^[\\w-]+_[0-9a-zA-Z]+$' }),
  COGNITO_CLIENT_ID: Type.String({ minLength: 1 }),
  INTERNAL_TOKEN: Type.String({ minLength: 16 }),
  FRONTEND_URL: Type.String({ default: 'http://localhost:3000', minLength: 1 }),
}

/** The part of the environment @fastify/env validates: the one place that reads process.env. */
export const environment = (overrides?: Record<string, string | undefined>): Record<string, unknown> => ({
  ...process.env,
  ...overrides,
})

/**
 * The `config` plugin of a service: validates the environment against its schema with
 * @fastify/env; a bad or missing value stops the service with a message naming it. In production
 * (no local endpoint) a weak or published secret stops it too. Each service types
 * `fastify.config` itself (a `declare module 'fastify'` beside its use of this).
 */
export function configPlugin(schema: TObject) {
  return fp<{ env?: Record<string, string | undefined> }>(
    async (fastify: FastifyInstance, opts) => {
      await fastify.register(fastifyEnv, { schema, data: environment(opts.env), dotenv: false })
      assertProductionSecrets((fastify as unknown as { config: Record<string, unknown> }).config)
    },
    { name: 'config' },
  )
}
