import { ErrorBody, HandleParams, UserShort } from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

/** Public routes (no auth), as the original web client calls them. */
const usersRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/users/@:handle/short',
    {
      schema: {
        tags: ['users'],
        summary: 'The short public profile of a handle (case-insensitive)',
        params: HandleParams,
        response: { 200: UserShort, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => fastify.directory.shortByHandle(request.params.handle),
  )
}

export default usersRoutes
