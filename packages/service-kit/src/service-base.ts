import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { corsPlugin } from './cors.js'
import { errorHandlerPlugin } from './error-handler.js'
import { healthPlugin } from './health.js'
import { type OpenApiOptions, openApiPlugin } from './openapi.js'
import { requestIdPlugin } from './request-id.js'

export interface ServiceBaseOptions {
  openapi: OpenApiOptions
  frontendUrl: string
}

/**
 * What every Cruddur service registers before its own plugins, in this order: the error
 * handler (so every later failure has the contract shape), the request id on every response,
 * OpenAPI (it must see every route registered after it), CORS, then /health and /ready.
 */
export const serviceBasePlugin = fp<ServiceBaseOptions>(
  async (fastify: FastifyInstance, opts) => {
    await fastify.register(errorHandlerPlugin)
    await fastify.register(requestIdPlugin)
    await fastify.register(openApiPlugin, opts.openapi)
    await fastify.register(corsPlugin, { frontendUrl: opts.frontendUrl })
    await fastify.register(healthPlugin)
  },
  { name: 'service-base' },
)
