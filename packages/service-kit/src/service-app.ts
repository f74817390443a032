import type { FastifyInstance, FastifyPluginAsync, FastifyPluginCallback } from 'fastify'
import type { OpenApiOptions } from './openapi.js'
import { serviceBasePlugin } from './service-base.js'

export interface AppOptions {
  /** Environment overrides (tests); everything else comes from process.env. */
  env?: Record<string, string | undefined>
}

// biome-ignore lint/suspicious/noExplicitAny: a service's plugins each take options of their own
type AnyPlugin = FastifyPluginAsync<any> | FastifyPluginCallback<any>
/** A plugin of the service, alone or with the options it is registered with. */
export type ServicePlugin = AnyPlugin | readonly [AnyPlugin, Record<string, unknown>]

export interface ServiceAppDefinition {
  /** The service's `config` plugin (from `configPlugin(schema)`): it decorates `fastify.config`. */
  config: FastifyPluginAsync<AppOptions> | FastifyPluginCallback<AppOptions>
  openapi: OpenApiOptions
  /** The service's own plugins and routes, registered in this order after the common base. */
  plugins: readonly ServicePlugin[]
}

/**
 * A service as one Fastify plugin: its config, then what every service shares (errors, request
 * ids, OpenAPI, CORS, health), then its own plugins in order. It never listens (server.ts does),
 * so tests register it and `inject`.
 */
export function serviceApp(definition: ServiceAppDefinition) {
  return async function app(fastify: FastifyInstance, opts: AppOptions = {}) {
    await fastify.register(definition.config as FastifyPluginAsync<AppOptions>, { env: opts.env })
    const config = (fastify as unknown as { config: { FRONTEND_URL: string } }).config
    await fastify.register(serviceBasePlugin, {
      openapi: definition.openapi,
      frontendUrl: config.FRONTEND_URL,
    })
    for (const entry of definition.plugins) {
      if (Array.isArray(entry)) await fastify.register(entry[0] as AnyPlugin, entry[1])
      else await fastify.register(entry as AnyPlugin)
    }
  }
}
