import { notFound } from '@cruddur/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { isRoutablePath } from '../proxy/index.js'

/**
 * Answers 404, before any routing decision is acted on, for every path that names /internal
 * or could be normalised into another path by someone downstream (see isRoutablePath). The
 * answer is the ordinary "no such route" one: nothing tells a prober that it hit a rule.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    fastify.addHook('onRequest', async (request) => {
      if (!isRoutablePath(request.url))
        throw notFound('not_found', `Route ${request.method} ${request.url.split('?')[0]} not found`)
    })
  },
  { name: 'path-guard', dependencies: ['error-handler'] },
)
