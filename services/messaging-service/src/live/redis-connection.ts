import { Redis, type RedisOptions } from 'ioredis'

/** What the Redis parts log through (Fastify's logger fits). */
export interface RedisLog {
  info(obj: unknown, msg: string): void
  warn(obj: unknown, msg: string): void
}

/** The longest wait between two reconnection attempts: a restarted Redis is found within a second. */
export const MAX_RECONNECT_DELAY_MS = 1_000

/**
 * One ioredis connection as every Redis part of this service wants it: a command while Redis is
 * down fails at once instead of waiting in ioredis's offline queue (a send must never wait for
 * Redis), a command on a connection that hangs gives up after a second, and reconnection goes on
 * forever with a delay that grows to at most MAX_RECONNECT_DELAY_MS.
 */
export function redisConnection(url: string, name: string, log: RedisLog, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: `cruddur-messaging-${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    ...extra,
  })
  // Logged on changes of state only: while Redis is down every attempt errors, once a second.
  let up = false
  let reported = false
  redis.on('ready', () => {
    up = true
    reported = false
    log.info({ redis: name }, 'redis connection ready')
  })
  redis.on('error', (err) => {
    if (reported) return
    reported = true
    log.warn({ redis: name, err }, 'redis unavailable, retrying')
  })
  redis.on('close', () => {
    if (up) log.warn({ redis: name }, 'redis connection lost, reconnecting')
    up = false
  })
  return redis
}

/** Ends a connection: politely when it is up (pending replies arrive), at once when not. */
export async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit()
      return
    } catch {}
  }
  redis.disconnect()
}
