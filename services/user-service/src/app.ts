import { serviceBasePlugin } from '@cruddur/service-kit'
import type { FastifyInstance } from 'fastify'
import cognitoPlugin from './plugins/cognito.js'
import configPlugin from './plugins/config.js'
import internalAuthPlugin from './plugins/internal-auth.js'
import postgresPlugin from './plugins/postgres.js'
import usersPlugin from './plugins/users.js'
import internalRoutes from './routes/internal/index.js'
import usersRoutes from './routes/users.js'

export interface AppOptions {
  /** Environment overrides (tests); everything else comes from process.env. */
  env?: Record<string, string | undefined>
}

/** The user-service as a plugin: it never listens (server.ts does), so tests `inject` into it. */
export default async function app(fastify: FastifyInstance, opts: AppOptions = {}) {
  await fastify.register(configPlugin, { env: opts.env })
  await fastify.register(serviceBasePlugin, {
    openapi: {
      title: 'Cruddur user-service',
      description: 'The user directory (PostgreSQL), kept in step with the Cognito user pool.',
      version: '0.1.0',
    },
    frontendUrl: fastify.config.FRONTEND_URL,
  })
  await fastify.register(postgresPlugin)
  await fastify.register(usersPlugin)
  await fastify.register(cognitoPlugin)
  await fastify.register(internalAuthPlugin)
  await fastify.register(usersRoutes)
  await fastify.register(internalRoutes, { prefix: '/internal' })
}
