import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createDirectory, type Directory } from '../directory/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The user directory (use cases) over this service's Postgres and Cognito pool. */
    directory: Directory
  }
}

/** The directory and its decorator: what the routes call, and all they call. */
export default fp(
  async (fastify: FastifyInstance) => {
    fastify.decorate('directory', createDirectory({ sql: fastify.sql, cognito: fastify.cognito }))
  },
  { name: 'directory', dependencies: ['postgres', 'cognito'] },
)
