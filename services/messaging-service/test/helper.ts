import { testStack, uniqueSuffix } from '@cruddur/local-stack/testing'
import { serverOptions } from '@cruddur/service-kit'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import app from '../src/app.js'

/** The env a test app runs with: the test stack's engines and a table name of its own. */
export function testEnv(overrides: Record<string, string> = {}) {
  const facts = testStack()
  return {
    facts,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      AWS_REGION: facts.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      DYNAMODB_ENDPOINT: facts.dynamodb.endpoint,
      DDB_MESSAGE_TABLE: `test-messages-${uniqueSuffix()}`,
      COGNITO_ENDPOINT: facts.cognito.endpoint,
      COGNITO_USER_POOL_ID: facts.cognito.userPoolId,
      COGNITO_CLIENT_ID: facts.cognito.clientId,
      COGNITO_JWKS_URL: facts.cognito.jwksUrl,
      USER_SERVICE_URL: 'http://127.0.0.1:9',
      INTERNAL_TOKEN: facts.internalToken,
      FRONTEND_URL: 'http://localhost:3000',
      ...overrides,
    } as Record<string, string>,
  }
}

/** Builds the app from app.ts (as server.ts does, minus listen) and closes it after the test. */
export async function build(t: Test, overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const { env } = testEnv(overrides)
  const fastify = Fastify({ ...serverOptions('messaging-service'), logger: false })
  await fastify.register(app, { env })
  await fastify.ready()
  t.teardown(() => fastify.close())
  return fastify
}
