import { notFound } from '@cruddur/service-kit'
import type { FastifyInstance } from 'fastify'
import internalCognitoRoutes from './cognito.js'
import internalUsersRoutes from './users.js'

/**
 * Everything under /internal: service-to-service only. The token check is an onRequest hook
 * of this encapsulated context, so it runs before body parsing and validation (401 first), and
 * this context's own 404 handler runs it too: without the token nobody can probe which internal
 * routes exist. For the same reason the routes are left out of the public OpenAPI description;
 * callers holding the token read theirs at GET /internal/docs/json.
 */
export default async function internalRoutes(fastify: FastifyInstance) {
  const described: Record<string, Record<string, { summary?: string; tags?: string[] }>> = {}
  fastify.addHook('onRequest', fastify.requireInternalToken)
  fastify.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as { summary?: string; tags?: string[] }
    route.schema = { ...route.schema, hide: true }
    if (route.url === '/internal/docs/json') return
    const path = route.url.replace(/:(\w+)/g, '{$1}')
    const operations = described[path] ?? {}
    described[path] = operations
    for (const method of [route.method].flat().filter((m) => m !== 'HEAD'))
      operations[method.toLowerCase()] = { summary: schema.summary, tags: schema.tags }
  })
  fastify.setNotFoundHandler(async (request) => {
    throw notFound('not_found', `Route ${request.method} ${request.url.split('?')[0]} not found`)
  })
  await fastify.register(internalUsersRoutes)
  await fastify.register(internalCognitoRoutes)
  fastify.get('/docs/json', async () => ({ openapi: '3.0.3', paths: described }))
}
