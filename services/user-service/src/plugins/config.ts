import { environment } from '@cruddur/service-kit'
import fastifyEnv from '@fastify/env'
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

/** Validates the environment; a bad or missing value stops the service with a message naming it. */
export default fp<{ env?: Record<string, string | undefined> }>(
  async (fastify: FastifyInstance, opts) => {
    await fastify.register(fastifyEnv, { schema: ConfigSchema, data: environment(opts.env), dotenv: false })
  },
  { name: 'config' },
)
