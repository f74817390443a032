import { notFound } from '@cruddur/service-kit'
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
    async (request) => {
      const user = await fastify.users.findShortByHandle(request.params.handle)
      if (!user) throw notFound('user_not_found', `No user with the handle @${request.params.handle}`)
      return user
    },
  )
}

export default usersRoutes
