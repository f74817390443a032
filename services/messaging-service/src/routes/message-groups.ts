import { MessageGroupList } from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ERROR_RESPONSES } from './error-answers.js'
import { answerPage, asCaller, DEFAULT_LIMIT, LIST_SCHEMA } from './list-page.js'

/** GET /api/message_groups: my conversations, most recent activity first. */
const messageGroupsRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/message_groups',
    {
      schema: {
        ...LIST_SCHEMA,
        summary: 'My conversations, most recent activity first',
        description: 'More pages: pass the `x-next-cursor` response header back as `?cursor=`.',
        response: { 200: MessageGroupList, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { limit = DEFAULT_LIMIT, cursor } = request.query
      return answerPage(
        reply,
        await fastify.conversations.conversationsPage({ ...asCaller(request), limit, cursor }),
      )
    },
  )
}

export default messageGroupsRoutes
