import { HttpError } from '@cruddur/service-kit'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** The route config of a route that sends: `config: { rateLimit: fastify.sendRateLimit }`. */
    sendRateLimit: { max: number; timeWindow: number }
  }
}

/** Where the counters live in Redis (one key per caller and window). */
export const SEND_LIMIT_PREFIX = 'cruddur:send-limit:'

/**
 * Sends are limited per caller (SEND_RATE_LIMIT_MAX per SEND_RATE_LIMIT_WINDOW_MS), on the
 * routes that ask for it only. It runs at preHandler, after the token check, so the key is the
 * caller's sub, not an address (many people share one behind a NAT). With REDIS_URL the counters
 * are in Redis, so the limit holds across instances; when Redis does not answer, sends go through
 * (skipOnError): an outage of the limiter must never stop people from messaging.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    const { SEND_RATE_LIMIT_MAX, SEND_RATE_LIMIT_WINDOW_MS } = fastify.config
    await fastify.register(rateLimit, {
      global: false,
      hook: 'preHandler',
      max: SEND_RATE_LIMIT_MAX,
      timeWindow: SEND_RATE_LIMIT_WINDOW_MS,
      keyGenerator: (request: FastifyRequest) => request.sub,
      skipOnError: true,
      nameSpace: SEND_LIMIT_PREFIX,
      ...(fastify.redis ? { redis: fastify.redis } : {}),
      // Retry-After (seconds) is set by the plugin; the body is the service's error shape.
      errorResponseBuilder: (_request, context) =>
        new HttpError(429, ['rate_limited'], `Too many messages: try again in ${context.after}`),
    })
    fastify.decorate('sendRateLimit', { max: SEND_RATE_LIMIT_MAX, timeWindow: SEND_RATE_LIMIT_WINDOW_MS })
  },
  { name: 'send-rate-limit', dependencies: ['config', 'live-bus', 'auth'] },
)
