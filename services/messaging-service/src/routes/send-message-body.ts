import { badRequest, unprocessable } from '@cruddur/service-kit'
import { CreateMessageBody, MESSAGE_MAX_CHARS } from '@cruddur/types'
import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifySchemaCompiler } from 'fastify'

/** `POST /api/messages`: the schema of the body. */
export const SendMessageBody = CreateMessageBody
export type SendMessageBody = CreateMessageBody

/**
 * The body is JSON, so its types are the schema's without coercion (Ajv coerces 42 → "42" for
 * the query string's sake; in a body a wrong type is a 400 naming the field).
 */
export const jsonBodyValidator = AjvCompiler()(
  {},
  { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
) as FastifySchemaCompiler<unknown>

/** A send as the domain takes it: the text, and the conversation or the person it goes to. */
export type SendRequest =
  | { text: string; to: 'conversation'; conversationUuid: string }
  | { text: string; to: 'person'; handle: string }

const LONE_SURROGATE = /\p{Cs}/u

/**
 * What the schema cannot say about a send, checked once, after it: a lone UTF-16 surrogate
 * (legal in a JSON escape, not text DynamoDB or a URL can carry) is a 400 naming the field; an
 * empty or blank message, one over 1024 code points, or no target are 422s. A handle is typed
 * with an optional leading @. (A message to oneself is refused where the recipient is known:
 * by the start of a conversation, against the directory's uuid.)
 */
export function checkSendMessage(body: SendMessageBody): SendRequest {
  for (const field of ['message', 'handle', 'message_group_uuid'] as const) {
    const value = body[field]
    if (value !== undefined && LONE_SURROGATE.test(value)) {
      throw badRequest(`invalid_${field}`, `body/${field} is not well-formed Unicode`)
    }
  }
  const text = body.message
  if (text.trim() === '') throw unprocessable('message_blank', 'The message is empty')
  if ([...text].length > MESSAGE_MAX_CHARS) {
    throw unprocessable(
      'message_exceed_max_chars',
      `The message is longer than ${MESSAGE_MAX_CHARS} characters`,
    )
  }
  if (body.message_group_uuid) return { text, to: 'conversation', conversationUuid: body.message_group_uuid }
  const handle = body.handle?.trim().replace(/^@/, '')
  if (!handle) throw unprocessable('handle_blank', 'Say who the message is for: handle or message_group_uuid')
  return { text, to: 'person', handle }
}
