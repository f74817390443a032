import { createHash, timingSafeEqual } from 'node:crypto'
import { unauthorized } from '@cruddur/service-kit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export const INTERNAL_TOKEN_HEADER = 'x-internal-token'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for service-to-service routes: 401 unless `x-internal-token` matches. */
    requireInternalToken: (request: FastifyRequest) => Promise<void>
  }
}

// Both sides hashed to 32 bytes: timingSafeEqual needs equal lengths, and the comparison
// then leaks neither the content nor the length of the configured token.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()

export default fp(
  async (fastify: FastifyInstance) => {
    const expected = digest(fastify.config.INTERNAL_TOKEN)
    fastify.decorate('requireInternalToken', async (request: FastifyRequest) => {
      const given = request.headers[INTERNAL_TOKEN_HEADER]
      if (typeof given !== 'string' || given.length === 0 || !timingSafeEqual(digest(given), expected))
        throw unauthorized('Missing or invalid internal service token')
    })
  },
  { name: 'internal-auth', dependencies: ['config'] },
)
