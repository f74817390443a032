import { dependencyUnavailable } from '@cruddur/service-kit'
import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  clientResponseHeaders,
  OpenStreams,
  poolOptions,
  type UpstreamName,
  type UpstreamTimeouts,
  upstreamRequestHeaders,
} from '../proxy/index.js'
import { type ForwardedRoute, forwardedRoutes } from './table.js'

export interface ForwardOptions {
  timeouts: UpstreamTimeouts
}

/** Schemas on forwarded routes describe the API; the service behind them is the one that validates. */
const noValidation = () => () => true

/**
 * One retry, for a GET or HEAD only, when a pooled keep-alive connection turned out to be
 * closed by the service before any answer (it closes idle sockets on its own schedule). Never
 * for a POST, never after an answer: reply-from's default would also retry GETs answered 503.
 */
const retryDelay: FastifyReplyFromHooks['retryDelay'] = ({ err, req, attempt }) => {
  const stale = err && ['UND_ERR_SOCKET', 'ECONNRESET'].includes((err as NodeJS.ErrnoException).code ?? '')
  return stale && attempt === 0 && (req.method === 'GET' || req.method === 'HEAD') ? 1 : null
}

const isEventStream = (contentType: unknown) =>
  typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/event-stream')

function forwarder(upstream: UpstreamName, stream: boolean, streams: OpenStreams) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    // An event stream lives as long as the client keeps it open: no socket inactivity timeout on
    // the client's side (the upstream side has the stream pool's idle timeout instead).
    if (stream) request.raw.setTimeout(0)
    // The bytes as received, with the client's own content type (or none said: octet-stream).
    const body = Buffer.isBuffer(request.body)
      ? { body: request.body, contentType: request.headers['content-type'] ?? 'application/octet-stream' }
      : {}
    return reply.from(undefined, {
      ...body,
      rewriteRequestHeaders: (req, headers) =>
        upstreamRequestHeaders(headers, {
          requestId: req.id,
          clientIp: req.ip,
          method: req.method,
          eventStream: stream,
        }),
      rewriteHeaders: (headers) => clientResponseHeaders(headers, reply.getHeader('vary')),
      // An event stream is relayed through OpenStreams (ended cleanly on failure and shutdown);
      // anything else on these routes (a 401, a 503 in JSON) is an ordinary body. The service's
      // status and headers are on the reply already.
      onResponse: (req, r, res) =>
        r.send(
          stream && r.statusCode === 200 && isEventStream(r.getHeader('content-type'))
            ? streams.relay(res.stream, req.log)
            : res.stream,
        ),
      // Refused, reset, timed out: one answer, and no upstream text in it (the cause is logged).
      onError: (r, { error }) => r.send(dependencyUnavailable(upstream, error)),
      retryDelay,
    })
  }
}

/**
 * The forwarding routes, in one encapsulated scope per upstream and kind (ordinary / event
 * stream), each with its own keep-alive pool. A request body is read whole, as bytes, within
 * the same body limit as the services (a larger one is the gateway's 413, never forwarded),
 * and handed on unparsed with its length: what the client sent is what the service reads. Read
 * first because a service refusing an oversized body mid-upload closes the connection, which
 * a streaming proxy could only report as the service failing.
 */
export default async function forwardRoutes(fastify: FastifyInstance, opts: ForwardOptions) {
  const bases: Record<UpstreamName, string> = {
    'user-service': fastify.config.USER_SERVICE_URL,
    'messaging-service': fastify.config.MESSAGING_SERVICE_URL,
  }
  const streams = new OpenStreams()
  // Before the server stops listening: close() would otherwise wait for streams without end.
  fastify.addHook('preClose', async () => streams.endAll())
  const routes = forwardedRoutes()
  const groups = new Map<string, { upstream: UpstreamName; stream: boolean; routes: ForwardedRoute[] }>()
  for (const route of routes) {
    const stream = route.stream === true
    const key = `${route.upstream}:${stream}`
    const group = groups.get(key) ?? { upstream: route.upstream, stream, routes: [] }
    group.routes.push(route)
    groups.set(key, group)
  }
  for (const { upstream, stream, routes: mine } of groups.values()) {
    await fastify.register(async (scope) => {
      await scope.register(replyFrom, {
        base: bases[upstream],
        undici: poolOptions(opts.timeouts, stream ? 'stream' : 'api'),
        disableRequestLogging: true,
      })
      scope.removeAllContentTypeParsers()
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, bytes, done) => done(null, bytes))
      for (const route of mine) {
        scope.route({
          method: route.method,
          url: route.url,
          schema: route.schema,
          validatorCompiler: noValidation,
          handler: forwarder(upstream, stream, streams),
        })
      }
    })
  }
}
