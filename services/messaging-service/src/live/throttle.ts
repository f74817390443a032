import type { Redis } from 'ioredis'

/**
 * At most one "yes" per key per window: the first call in a window is allowed, the others are
 * not. Used for typing notices, which are worth nothing late and harmless to drop.
 */
export interface Throttle {
  allow(key: string, windowMs: number): Promise<boolean>
}

/**
 * In this process: a Map of key → end of its window, bounded to `capacity` keys (the oldest
 * windows go first; dropping a live one only lets one extra notice through early).
 */
export function createLocalThrottle(capacity = 10_000, now: () => number = Date.now): Throttle {
  const until = new Map<string, number>()
  return {
    async allow(key, windowMs) {
      const at = now()
      const end = until.get(key)
      if (end !== undefined && end > at) return false
      // Re-inserted, so the Map's order is the order windows were opened in.
      until.delete(key)
      until.set(key, at + windowMs)
      for (const [oldest, oldestEnd] of until) {
        if (until.size <= capacity && oldestEnd > at) break
        until.delete(oldest)
      }
      return true
    },
  }
}

/** The key prefix of the throttle's windows in Redis. */
export const THROTTLE_PREFIX = 'cruddur:throttle:'

/**
 * Shared by every instance: the window is a Redis key set only if absent (SET NX) that expires
 * with the window (PX), so whichever instance sets it first is the one "yes". When Redis does not
 * answer the answer is "no": this throttle guards typing notices, which may be dropped, so an
 * outage costs a few notices and never a flood. (A limit on sends must fail the other way, and
 * does: see the send rate limit, which lets sends through when Redis is down.)
 */
export function createRedisThrottle(redis: Redis): Throttle {
  return {
    async allow(key, windowMs) {
      try {
        return (await redis.set(`${THROTTLE_PREFIX}${key}`, '1', 'PX', windowMs, 'NX')) === 'OK'
      } catch {
        return false
      }
    },
  }
}
