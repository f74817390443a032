import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createUsersRepository, type UsersRepository } from '../repositories/users.js'

declare module 'fastify' {
  interface FastifyInstance {
    users: UsersRepository
  }
}

/** The users repository over the shared `postgres` client; routes use this, never the driver. */
export default fp(
  async (fastify: FastifyInstance) => {
    fastify.decorate('users', createUsersRepository(fastify))
  },
  { name: 'users', dependencies: ['postgres'] },
)
