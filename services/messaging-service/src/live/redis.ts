/** The Redis versions of the live parts (bus, throttle, connections): only imported with REDIS_URL. */
export { createRedisBus, userChannel } from './redis-bus.js'
export { closeConnection, MAX_RECONNECT_DELAY_MS, redisConnection } from './redis-connection.js'
export { createRedisThrottle, THROTTLE_PREFIX } from './throttle.js'
