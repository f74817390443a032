import { createHash } from 'node:crypto'
import { badRequest, conflict, forbidden, notFound, unprocessable } from '@cruddur/service-kit'
import {
  CreateMessageBody,
  CreateMessageResponse,
  ErrorBody,
  IdempotencyHeaders,
  type InternalUser,
  ListQuery,
  MESSAGE_MAX_CHARS,
  MessageGroupList,
  MessageGroupParams,
  MessageList,
} from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { type CursorBinding, decodeCursor, encodeCursor } from '../ddb/cursor.js'
import { ConversationNotFoundError, IdempotencyKeyReusedError } from '../ddb/errors.js'
import { newMessage } from '../ddb/patterns.js'

const DEFAULT_LIMIT = 20
const LONE_SURROGATE = /\p{Cs}/u
const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  503: ErrorBody,
}
const conversationNotFound = () =>
  notFound('message_group_not_found', 'No such conversation, or you are not part of it')

/** Someone removed from the directory still appears in old conversations. */
const unknownUser = { display_name: 'Unknown user', handle: 'unknown' }

/** One line of either list: an id, a person (looked up, or "Unknown user" if deleted) and a message. */
function line(
  uuid: string,
  person: { display_name: string; handle: string } | undefined,
  message: string,
  created_at: string,
) {
  const { display_name, handle } = person ?? unknownUser
  return { uuid, display_name, handle, message, created_at }
}

/** GET /api/message_groups, GET /api/messages/:uuid, POST /api/messages (CONTRACT.md section 3). */
const messagesRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const cursorSecret = fastify.config.INTERNAL_TOKEN
  const binding = (scope: string): CursorBinding => ({ secret: cursorSecret, scope })

  /** The caller as the user directory knows them; a sub it does not know yet is a 403. */
  async function caller(request: FastifyRequest): Promise<InternalUser> {
    const user = await fastify.users.bySub(request.sub, request.id)
    if (!user) throw forbidden('user_not_registered', 'Your account is not in the user directory yet')
    return user
  }

  function readCursor(cursor: string | undefined, scope: CursorBinding) {
    if (cursor === undefined) return undefined
    const key = decodeCursor(cursor, scope)
    if (!key) throw badRequest('invalid_cursor', 'The cursor is not one this list handed out')
    return key
  }

  fastify.addHook('onRequest', fastify.authenticate)

  fastify.get(
    '/message_groups',
    {
      schema: {
        tags: ['messages'],
        summary: 'My conversations, most recent activity first',
        description: 'More pages: pass the `x-next-cursor` response header back as `?cursor=`.',
        security: [{ bearerAuth: [] }],
        querystring: ListQuery,
        response: { 200: MessageGroupList, ...errors },
      },
    },
    async (request, reply) => {
      const me = await caller(request)
      const scope = binding(`groups:${me.uuid}`)
      const after = readCursor(request.query.cursor, scope)
      const page = await fastify.conversations.listConversations({
        user: me.uuid,
        limit: request.query.limit ?? DEFAULT_LIMIT,
        ...(after ? { after } : {}),
      })
      const others = await fastify.users.byUuids(
        page.conversations.map((c) => c.other_uuid),
        request.id,
      )
      if (page.next) reply.header('x-next-cursor', encodeCursor(page.next, scope))
      return page.conversations.map((c) =>
        line(c.conversation_uuid, others.get(c.other_uuid), c.last_message, c.last_at),
      )
    },
  )

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
        response: { 200: MessageList, ...errors },
      },
    },
    async (request, reply) => {
      const me = await caller(request)
      const conversationUuid = request.params.message_group_uuid.toLowerCase()
      const scope = binding(`messages:${me.uuid}:${conversationUuid}`)
      const after = readCursor(request.query.cursor, scope)
      let page: Awaited<ReturnType<typeof fastify.conversations.listMessages>>
      try {
        page = await fastify.conversations.listMessages({
          conversationUuid,
          caller: me.uuid,
          limit: request.query.limit ?? DEFAULT_LIMIT,
          ...(after ? { after } : {}),
        })
      } catch (err) {
        if (err instanceof ConversationNotFoundError) throw conversationNotFound()
        throw err
      }
      const senders = await fastify.users.byUuids(
        page.messages.map((m) => m.sender_uuid),
        request.id,
      )
      if (page.next) reply.header('x-next-cursor', encodeCursor(page.next, scope))
      return page.messages.map((m) =>
        line(m.message_uuid, senders.get(m.sender_uuid), m.message, m.created_at),
      )
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
        body: CreateMessageBody,
        response: { 200: CreateMessageResponse, ...errors },
      },
      // Ajv coerces scalars (42 → "42") for the query string's sake; in a JSON body a wrong type is a
      // 400. A lone UTF-16 surrogate (legal in JSON escapes) is not text DynamoDB or a URL can carry.
      preValidation: async (request) => {
        const body = request.body as Record<string, unknown> | null
        if (!body || typeof body !== 'object') return
        for (const field of ['message', 'handle', 'message_group_uuid']) {
          if (!(field in body)) continue
          const value = body[field]
          if (typeof value !== 'string')
            throw badRequest(`invalid_${field}`, `body/${field} must be a string`)
          if (LONE_SURROGATE.test(value)) {
            throw badRequest(`invalid_${field}`, `body/${field} is not well-formed Unicode`)
          }
        }
      },
    },
    async (request) => {
      const { message, message_group_uuid: groupUuid } = request.body
      const handle = request.body.handle?.trim().replace(/^@/, '')
      if (message.trim() === '') throw unprocessable('message_blank', 'The message is empty')
      if ([...message].length > MESSAGE_MAX_CHARS) {
        throw unprocessable(
          'message_exceed_max_chars',
          `The message is longer than ${MESSAGE_MAX_CHARS} characters`,
        )
      }
      if (!groupUuid && !handle) {
        throw unprocessable('handle_blank', 'Say who the message is for: handle or message_group_uuid')
      }
      const me = await caller(request)
      const m = newMessage(me.uuid, message)
      const respond = (conversationUuid: string) => ({
        message_group_uuid: conversationUuid,
        uuid: m.messageUuid,
        display_name: me.display_name,
        handle: me.handle,
        message,
        created_at: m.createdAt,
      })
      const key = request.headers['idempotency-key']
      const idempotency = key
        ? {
            key,
            requestHash: createHash('sha256')
              .update(
                JSON.stringify([
                  message,
                  groupUuid?.toLowerCase() ?? null,
                  groupUuid ? null : handle?.toLowerCase(),
                ]),
              )
              .digest('base64url'),
            response: respond,
          }
        : undefined
      try {
        if (groupUuid) {
          const sent = await fastify.conversations.send({
            conversationUuid: groupUuid.toLowerCase(),
            message: m,
            ...(idempotency ? { idempotency } : {}),
          })
          return (sent.replay as ReturnType<typeof respond> | undefined) ?? respond(sent.conversationUuid)
        }
        const target = handle ?? ''
        if (target.toLowerCase() === me.handle.toLowerCase()) {
          throw unprocessable('cannot_message_self', 'You cannot message yourself')
        }
        const recipient = await fastify.users.byHandle(target, request.id)
        if (!recipient) throw notFound('user_not_found', `No user with the handle @${target}`)
        if (recipient.uuid === me.uuid)
          throw unprocessable('cannot_message_self', 'You cannot message yourself')
        const started = await fastify.conversations.start({
          recipientUuid: recipient.uuid,
          message: m,
          ...(idempotency ? { idempotency } : {}),
        })
        return (started.replay as ReturnType<typeof respond> | undefined) ?? respond(started.conversationUuid)
      } catch (err) {
        if (err instanceof ConversationNotFoundError) throw conversationNotFound()
        if (err instanceof IdempotencyKeyReusedError) {
          throw conflict('idempotency_key_reused', 'This Idempotency-Key was used for a different request')
        }
        throw err
      }
    },
  )
}

export default messagesRoutes
