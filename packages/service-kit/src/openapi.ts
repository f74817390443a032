import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface OpenApiOptions {
  title: string
  description: string
  version: string
}

/** OpenAPI 3 description of every route at /docs/json, with Swagger UI at /docs. */
export const openApiPlugin = fp<OpenApiOptions>(
  async (fastify: FastifyInstance, opts) => {
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: { title: opts.title, description: opts.description, version: opts.version },
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (Cognito access token)' },
            internalToken: {
              type: 'http',
              scheme: 'bearer',
              description: 'INTERNAL_TOKEN (service to service)',
            },
          },
        },
      },
    })
    await fastify.register(swaggerUi, { routePrefix: '/docs', logLevel: 'warn' })
  },
  { name: 'openapi' },
)
