import { environment } from '@cruddur/service-kit'
import fastifyEnv from '@fastify/env'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ConfigSchema } from '../config.js'

/** Validates the environment; a bad or missing value stops the service with a message naming it. */
export default fp<{ env?: Record<string, string | undefined> }>(
  async (fastify: FastifyInstance, opts) => {
    await fastify.register(fastifyEnv, { schema: ConfigSchema, data: environment(opts.env), dotenv: false })
  },
  { name: 'config' },
)
