import { configPlugin, isProduction } from '@cruddur/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type Config, ConfigSchema } from '../config.js'

// Here, not in config.ts: config.ts is also imported on its own (tests/deploy loads both
// services' schemas), and two services' augmentations of one interface would clash.
declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

const validated = configPlugin(ConfigSchema)

/**
 * Validates the environment; a bad or missing value stops the service with a message naming it,
 * and so does a test seam set in production.
 */
export default fp<{ env?: Record<string, string | undefined> }>(
  async (fastify: FastifyInstance, opts) => {
    await fastify.register(validated, opts)
    if (fastify.config.TEST_CLOCK_OFFSET_MS !== 0 && isProduction(fastify.config))
      throw new Error('TEST_CLOCK_OFFSET_MS is a test seam: it is refused in production')
  },
  { name: 'messaging-config' },
)
