import { MarkReadBody, MessageGroupList, MessageGroupParams, ReadPosition } from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ERROR_RESPONSES } from './error-answers.js'
import { answerPage, asCaller, DEFAULT_LIMIT, LIST_SCHEMA } from './list-page.js'
import { jsonBodyValidator } from './send-message-body.js'

/** A caller's typing notices in one conversation: at most one published per this many ms. */
export const TYPING_WINDOW_MS = 2_000

/** GET /api/message_groups (my conversations, most recent activity first), POST …/:uuid/read and …/:uuid/typing. */
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

  fastify.post(
    '/message_groups/:message_group_uuid/read',
    {
      schema: {
        tags: ['messages'],
        summary: 'Mark a conversation read up to a message (default: the newest); never moves back',
        description:
          "Answers where the read position is afterwards and how many of the other person's " +
          'messages are still unread. Marking a message at or before the position leaves it where it is.',
        security: [{ bearerAuth: [] }],
        params: MessageGroupParams,
        body: MarkReadBody,
        response: { 200: ReadPosition, ...ERROR_RESPONSES },
      },
      validatorCompiler: jsonBodyValidator,
      // The body is optional: none means the same as `{}` (up to the newest message).
      preValidation: async (request) => {
        request.body ??= {}
      },
    },
    async (request) =>
      fastify.conversations.markRead({
        ...asCaller(request),
        conversationUuid: request.params.message_group_uuid,
        upTo: request.body?.up_to,
      }),
  )

  fastify.post(
    '/message_groups/:message_group_uuid/typing',
    {
      schema: {
        tags: ['messages'],
        summary: 'Tell the other person I am typing (on their stream, as a `typing` event)',
        description:
          `At most one notice per caller and conversation per ${TYPING_WINDOW_MS / 1000} s is published; ` +
          'calls in between are answered 204 too and dropped. Notices are never stored or replayed.',
        security: [{ bearerAuth: [] }],
        params: MessageGroupParams,
        response: {
          204: Type.Null({ description: 'Taken (published, or dropped as a repeat)' }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const conversationUuid = request.params.message_group_uuid
      const event = await fastify.conversations.typing({ ...asCaller(request), conversationUuid })
      const key = `typing:${request.sub}:${event.conversationUuid}`
      if (await fastify.throttle.allow(key, TYPING_WINDOW_MS)) fastify.bus.publish(event)
      return reply.code(204).send(null)
    },
  )
}

export default messageGroupsRoutes
