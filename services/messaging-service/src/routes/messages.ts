import {
  CreateMessageResponse,
  IdempotencyHeaders,
  ListQuery,
  MessageGroupParams,
  MessageList,
} from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ERROR_RESPONSES } from './error-answers.js'
import { DEFAULT_LIMIT } from './limits.js'
import { checkSendMessage, jsonBodyValidator, SendMessageBody } from './send-message-body.js'

/** GET /api/messages/:uuid (one conversation's messages) and POST /api/messages (send). */
const messagesRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/messages/:message_group_uuid',
    {
      schema: {
        tags: ['messages'],
        summary: 'Messages of one conversation: the newest page, oldest to newest',
        description: 'Older pages: pass the `x-next-cursor` response header back as `?cursor=`.',
        security: [{ bearerAuth: [] }],
        params: MessageGroupParams,
        querystring: ListQuery,
        response: { 200: MessageList, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const page = await fastify.conversations.messagesPage({
        callerSub: request.sub,
        requestId: request.id,
        conversationUuid: request.params.message_group_uuid,
        limit: request.query.limit ?? DEFAULT_LIMIT,
        cursor: request.query.cursor,
      })
      if (page.nextCursor) reply.header('x-next-cursor', page.nextCursor)
      return page.items
    },
  )

  fastify.post(
    '/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Send a message: into a conversation (message_group_uuid) or to a person (handle)',
        description:
          'With `handle`, an existing conversation with that person is reused. An `Idempotency-Key` ' +
          'header makes a retry answer the first response without storing the message twice.',
        security: [{ bearerAuth: [] }],
        headers: IdempotencyHeaders,
        body: SendMessageBody,
        response: { 200: CreateMessageResponse, ...ERROR_RESPONSES },
      },
      validatorCompiler: jsonBodyValidator,
    },
    async (request) => {
      const send = checkSendMessage(request.body)
      const caller = {
        callerSub: request.sub,
        requestId: request.id,
        text: send.text,
        idempotencyKey: request.headers['idempotency-key'],
      }
      return send.to === 'conversation'
        ? fastify.conversations.send({ ...caller, conversationUuid: send.conversationUuid })
        : fastify.conversations.start({ ...caller, handle: send.handle })
    },
  )
}

export default messagesRoutes
