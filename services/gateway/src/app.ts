import { serviceBasePlugin } from '@cruddur/service-kit'
import type { FastifyInstance } from 'fastify'
import configPlugin from './plugins/config.js'
import pathGuardPlugin from './plugins/path-guard.js'
import upstreamReadinessPlugin from './plugins/upstream-readiness.js'
import { DEFAULT_TIMEOUTS, type UpstreamTimeouts } from './proxy/index.js'
import forwardRoutes from './routes/forward.js'
import webPageRoutes from './routes/web-page.js'

export interface AppOptions {
  /** Environment overrides (tests); everything else comes from process.env. */
  env?: Record<string, string | undefined>
  /** Upstream timeouts (tests shorten them); the defaults suit production. */
  timeouts?: Partial<UpstreamTimeouts>
  /** Where the built web page is (tests); default: `@cruddur/web`'s dist/. */
  webRoot?: string
}

/** The gateway as a plugin: it never listens (server.ts does), so tests build it and `inject` or listen. */
export default async function app(fastify: FastifyInstance, opts: AppOptions = {}) {
  await fastify.register(configPlugin, { env: opts.env })
  await fastify.register(serviceBasePlugin, {
    openapi: {
      title: 'Cruddur gateway',
      description:
        'The one public origin of Cruddur messaging: the public API of user-service and ' +
        'messaging-service, with CORS and request ids. Nothing under /internal is reachable here.',
      version: '0.1.0',
    },
    frontendUrl: fastify.config.FRONTEND_URL,
  })
  await fastify.register(pathGuardPlugin)
  await fastify.register(upstreamReadinessPlugin)
  await fastify.register(forwardRoutes, { timeouts: { ...DEFAULT_TIMEOUTS, ...opts.timeouts } })
  await fastify.register(webPageRoutes, opts.webRoot ? { webRoot: opts.webRoot } : {})
}
