import { createTestDatabase, testStack } from '@cruddur/local-stack/testing'
import { serverOptions } from '@cruddur/service-kit'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import app from '../src/app.js'

/** The env a test app runs with: the test stack's engines, a database of its own. */
export async function testEnv(t: Test, overrides: Record<string, string> = {}) {
  const facts = testStack()
  const db = await createTestDatabase(facts, 'users')
  t.teardown(() => db.drop())
  return {
    facts,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      AWS_REGION: facts.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      COGNITO_ENDPOINT: facts.cognito.endpoint,
      COGNITO_USER_POOL_ID: facts.cognito.userPoolId,
      COGNITO_CLIENT_ID: facts.cognito.clientId,
      INTERNAL_TOKEN: facts.internalToken,
      FRONTEND_URL: 'http://localhost:3000',
      ...overrides,
    } as Record<string, string>,
  }
}

/** Builds the app from app.ts (as server.ts does, minus listen) and closes it after the test. */
export async function build(t: Test, overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  const { env } = await testEnv(t, overrides)
  const fastify = Fastify({ ...serverOptions('user-service'), logger: false })
  await fastify.register(app, { env })
  await fastify.ready()
  t.teardown(() => fastify.close())
  return fastify
}
