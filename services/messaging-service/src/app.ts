import { serviceBasePlugin } from '@cruddur/service-kit'
import type { FastifyInstance } from 'fastify'
import authPlugin from './plugins/auth.js'
import configPlugin from './plugins/config.js'
import conversationsPlugin from './plugins/conversations.js'
import dynamodbPlugin from './plugins/dynamodb.js'
import userServicePlugin from './plugins/user-service.js'
import apiRoutes from './routes/index.js'

export interface AppOptions {
  /** Environment overrides (tests); everything else comes from process.env. */
  env?: Record<string, string | undefined>
}

/** The messaging-service as a plugin: it never listens (server.ts does), so tests `inject` into it. */
export default async function app(fastify: FastifyInstance, opts: AppOptions = {}) {
  await fastify.register(configPlugin, { env: opts.env })
  await fastify.register(serviceBasePlugin, {
    openapi: {
      title: 'Cruddur messaging-service',
      description: 'Conversations and messages on one DynamoDB table (single-table design).',
      version: '0.1.0',
    },
    frontendUrl: fastify.config.FRONTEND_URL,
  })
  await fastify.register(dynamodbPlugin)
  await fastify.register(userServicePlugin)
  await fastify.register(conversationsPlugin)
  await fastify.register(authPlugin)
  await fastify.register(apiRoutes, { prefix: '/api' })
}
