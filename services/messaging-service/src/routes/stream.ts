import { unauthorized } from '@cruddur/service-kit'
import { StreamQuery, StreamTicket } from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { DependencyUnavailableError } from '../conversations/index.js'
import { BusUnavailableError, openStream } from '../live/index.js'
import { ERROR_RESPONSES } from './error-answers.js'

/** Query parameters that would put a credential in a URL (URLs end up in logs): always refused. */
const TOKENS_IN_URL = ['access_token', 'token', 'id_token', 'authorization', 'bearer']

/** Who opens the stream: the ticket's owner (EventSource), or the bearer of the Authorization header. */
async function streamCaller(
  request: FastifyRequest,
  query: StreamQuery,
  authenticate: (r: FastifyRequest) => Promise<void>,
  redeem: (ticket: string) => Promise<string | undefined>,
): Promise<string> {
  if (query.ticket !== undefined) {
    const sub = await redeem(query.ticket)
    if (!sub) throw unauthorized('The ticket is unknown, used or expired')
    return sub
  }
  await authenticate(request)
  return request.sub
}

/** GET /api/stream (Server-Sent Events) and POST /api/stream/ticket. */
const streamRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/stream/ticket',
    {
      onRequest: fastify.authenticate,
      schema: {
        tags: ['stream'],
        summary: 'A single-use ticket for opening the stream with EventSource (valid 30 s)',
        security: [{ bearerAuth: [] }],
        response: { 200: StreamTicket, ...ERROR_RESPONSES },
      },
    },
    async (request) => fastify.streams.tickets.issue(request.sub),
  )

  fastify.get(
    '/stream',
    {
      sse: { kind: 'only', heartbeat: false },
      // Before anything else (validation included): a token in the URL is refused however it is sent.
      onRequest: async (request) => {
        const query = request.query as Record<string, unknown>
        if (TOKENS_IN_URL.some((name) => name in query))
          throw unauthorized(
            'An access token in the URL is refused: use a ticket or the Authorization header',
          )
      },
      schema: {
        tags: ['stream'],
        summary: 'My live events: message, read, typing, reset (text/event-stream)',
        description:
          'Authenticate with `?ticket=` (from POST /api/stream/ticket) or the Authorization header; ' +
          'never with a token in the URL. Resume with `Last-Event-ID` (or `?last_event_id=`): every ' +
          'message and read event missed in the last 24 hours is delivered first, in order, once.',
        security: [{ bearerAuth: [] }, {}],
        querystring: StreamQuery,
        response: { ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const sub = await streamCaller(
        request,
        request.query,
        fastify.authenticate,
        fastify.streams.tickets.redeem,
      )
      const me = await fastify.conversations.caller({ callerSub: sub, requestId: request.id })
      const header = request.headers['last-event-id']
      const lastEventId = (typeof header === 'string' ? header : undefined) ?? request.query.last_event_id
      try {
        await openStream({ user: me.uuid, reply, lastEventId, streams: fastify.streams, bus: fastify.bus })
      } catch (err) {
        if (err instanceof BusUnavailableError) throw new DependencyUnavailableError('redis', { cause: err })
        throw err
      }
    },
  )
}

export default streamRoutes
