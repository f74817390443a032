import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Header that carries the request id from service to service (and back in responses). */
export const REQUEST_ID_HEADER = 'x-request-id'

/**
 * What a caller's request id may look like: short, and only characters that are safe in a log
 * line, a header and a URL. Anything else (8,000 characters, a newline that forges a log line,
 * spaces, non-ASCII) is replaced rather than echoed, logged and forwarded.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/** The caller's id when it matches the pattern (exactly one header), otherwise a new UUID. */
export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID()
}

/** Fastify's `genReqId`: every service and the gateway apply the same rule. */
export const genReqId = (req: IncomingMessage): string => requestIdFor(req.headers[REQUEST_ID_HEADER])

/** Returns the request id on every response, so a caller can quote it (and find it in our logs). */
export const requestIdPlugin = fp(
  async (fastify: FastifyInstance) => {
    fastify.addHook('onSend', async (request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id)
    })
  },
  { name: 'request-id' },
)
