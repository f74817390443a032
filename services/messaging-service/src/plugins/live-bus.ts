import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { createLocalBus, createLocalThrottle, type EventBus, type Throttle } from '../live/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Where conversation events go and streams listen: Redis pub/sub with REDIS_URL, in-process without. */
    bus: EventBus
    /** One "yes" per key per window (typing notices): shared through Redis with REDIS_URL. */
    throttle: Throttle
    /** The connection for plain commands (throttle, send rate limit) when REDIS_URL is set. */
    redis: Redis | null
  }
}

/**
 * The live parts: the event bus and the throttle. With REDIS_URL they are shared by every
 * instance and /ready reports Redis; Redis being down never stops the service from starting or
 * from storing messages (events are then not pushed, and streams resume from the table).
 */
export default fp(
  async (fastify: FastifyInstance) => {
    const { REDIS_URL } = fastify.config
    if (!REDIS_URL) {
      fastify.decorate('bus', createLocalBus({ log: fastify.log }))
      fastify.decorate('throttle', createLocalThrottle())
      fastify.decorate('redis', null)
      fastify.addHook('onClose', () => fastify.bus.close())
      return
    }
    const { closeConnection, createRedisBus, createRedisThrottle, redisConnection } = await import(
      '../live/redis.js'
    )
    const commands = redisConnection(REDIS_URL, 'commands', fastify.log)
    const bus = createRedisBus({ url: REDIS_URL, log: fastify.log })
    fastify.decorate('bus', bus)
    fastify.decorate('throttle', createRedisThrottle(commands))
    fastify.decorate('redis', commands)
    fastify.readinessChecks.push({
      name: 'redis',
      check: async () => {
        const health = bus.health()
        if (!health.ok) throw new Error(health.detail)
        await commands.ping()
      },
    })
    fastify.addHook('onClose', async () => {
      await Promise.all([bus.close(), closeConnection(commands)])
    })
  },
  { name: 'live-bus', dependencies: ['config', 'health'] },
)
