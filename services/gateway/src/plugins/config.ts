import { configPlugin } from '@cruddur/service-kit'
import { type Config, ConfigSchema } from '../config.js'

// Here, not in config.ts: config.ts is also imported on its own (tests/deploy loads every
// service's schema in one program), and two augmentations of one interface would clash.
declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

/** Validates the environment; a bad or missing value stops the gateway with a message naming it. */
export default configPlugin(ConfigSchema)
