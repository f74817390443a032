import { CreateMessageResponse, IdempotencyHeaders, MessageGroupParams, MessageList } from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ERROR_RESPONSES, RATE_LIMITED_RESPONSE } from './error-answers.js'
import { answerPage, asCaller, DEFAULT_LIMIT, LIST_SCHEMA } from './list-page.js'
import { checkSendMessage, jsonBodyValidator, SendMessageBody } from './send-message-body.js'

/** GET /api/messages/:uuid (one conversation's messages) and POST /api/messages (send). */
const messagesRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/messages/:message_group_uuid',
    {
      schema: {
        ...LIST_SCHEMA,
        summary: 'Messages of one conversation: the newest page, oldest to newest',
        description: 'Older pages: pass the `x-next-cursor` response header back as `?cursor=`.',
        params: MessageGroupParams,
        response: { 200: MessageList, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { limit = DEFAULT_LIMIT, cursor } = request.query
      const conversationUuid = request.params.message_group_uuid
      const page = await fastify.conversations.messagesPage({
        ...asCaller(request),
        conversationUuid,
        limit,
        cursor,
      })
      return answerPage(reply, page)
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
          'header makes a retry answer the first response without storing the message twice. ' +
          'Sends are limited per caller (`SEND_RATE_LIMIT_MAX` per `SEND_RATE_LIMIT_WINDOW_MS`, ' +
          'by default 30 per 3 s): over it, 429 `rate_limited` with `Retry-After` (seconds).',
        security: [{ bearerAuth: [] }],
        headers: IdempotencyHeaders,
        body: SendMessageBody,
        response: { 200: CreateMessageResponse, ...ERROR_RESPONSES, 429: RATE_LIMITED_RESPONSE },
      },
      validatorCompiler: jsonBodyValidator,
      config: { rateLimit: fastify.sendRateLimit },
    },
    async (request) => {
      const send = checkSendMessage(request.body)
      const caller = {
        ...asCaller(request),
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
