import { ListQuery, MessageGroupList } from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ERROR_RESPONSES } from './error-answers.js'
import { DEFAULT_LIMIT } from './limits.js'

/** GET /api/message_groups: my conversations, most recent activity first. */
const messageGroupsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/message_groups',
    {
      schema: {
        tags: ['messages'],
        summary: 'My conversations, most recent activity first',
        description: 'More pages: pass the `x-next-cursor` response header back as `?cursor=`.',
        security: [{ bearerAuth: [] }],
        querystring: ListQuery,
        response: { 200: MessageGroupList, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const page = await fastify.conversations.conversationsPage({
        callerSub: request.sub,
        requestId: request.id,
        limit: request.query.limit ?? DEFAULT_LIMIT,
        cursor: request.query.cursor,
      })
      if (page.nextCursor) reply.header('x-next-cursor', page.nextCursor)
      return page.items
    },
  )
}

export default messageGroupsRoutes
