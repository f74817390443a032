import { ListQuery } from '@cruddur/types'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Page } from '../conversations/index.js'

/** A list's page size when `?limit=` is not given. */
export const DEFAULT_LIMIT = 20

/** What the schema of every list route has: the caller's token and `?limit=&cursor=`. */
export const LIST_SCHEMA = { tags: ['messages'], security: [{ bearerAuth: [] }], querystring: ListQuery }

/** The caller of an authenticated request, as the domain takes it. */
export const asCaller = (request: FastifyRequest) => ({ callerSub: request.sub, requestId: request.id })

/** A list's answer: its items, and `x-next-cursor` when another page exists. */
export function answerPage<T>(reply: FastifyReply, page: Page<T>): T[] {
  if (page.nextCursor) reply.header('x-next-cursor', page.nextCursor)
  return page.items
}
