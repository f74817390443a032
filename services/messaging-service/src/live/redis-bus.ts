import type { ConversationEvent } from '../conversations/index.js'
import { type BusDownListener, BusUnavailableError, type EventBus, type EventListener } from './bus.js'
import { closeConnection, type RedisLog, redisConnection } from './redis-connection.js'

export interface RedisBusOptions {
  url: string
  log: RedisLog
}

/** One channel per user: an instance subscribes only to the users it has streams open for. */
export const userChannel = (userUuid: string) => `cruddur:user:${userUuid}`

interface Channel {
  listeners: Set<EventListener>
  /** The SUBSCRIBE of this channel, acknowledged or not yet. */
  subscribed: Promise<unknown>
}

/**
 * Fan-out through Redis pub/sub, for several instances: one connection publishes, one listens.
 * A user's channel is subscribed on their first listener on this instance and unsubscribed on
 * the last. When the listening connection drops, what was in flight is lost, so every listener is
 * dropped and told (onDown): their streams end and the clients resume from the table. ioredis
 * reconnects on its own; nothing is resubscribed (the streams that wanted it are gone).
 */
export function createRedisBus({ url, log }: RedisBusOptions): EventBus {
  const publisher = redisConnection(url, 'publisher', log)
  const subscriber = redisConnection(url, 'subscriber', log, { autoResubscribe: false })
  const channels = new Map<string, Channel>()
  const downListeners = new Set<BusDownListener>()
  let publishFailing = false

  subscriber.on('message', (channel: string, message: string) => {
    const entry = channels.get(channel)
    if (!entry) return
    let event: ConversationEvent
    try {
      event = JSON.parse(message) as ConversationEvent
    } catch (err) {
      log.warn({ err, channel }, 'unreadable event on the bus, dropped')
      return
    }
    for (const listener of [...entry.listeners]) {
      try {
        listener(event)
      } catch (err) {
        log.warn({ err }, 'event listener failed')
      }
    }
  })

  let wasUp = false
  subscriber.on('ready', () => {
    wasUp = true
  })
  subscriber.on('close', () => {
    if (!wasUp) return
    wasUp = false
    // Drop everything first, so a listener that reacts by subscribing again meets a clean state.
    channels.clear()
    for (const listener of [...downListeners]) {
      try {
        listener('the connection to Redis was lost')
      } catch (err) {
        log.warn({ err }, 'bus down listener failed')
      }
    }
  })

  const unsubscribe = (channelName: string, entry: Channel, listener: EventListener) => {
    entry.listeners.delete(listener)
    if (entry.listeners.size > 0 || channels.get(channelName) !== entry) return
    channels.delete(channelName)
    // After a drop the connection has no subscriptions left: nothing to undo.
    if (subscriber.status !== 'ready') return
    subscriber.unsubscribe(channelName).catch((err: unknown) => {
      log.warn({ err, channel: channelName }, 'redis UNSUBSCRIBE failed')
    })
  }

  return {
    publish(event) {
      const payload = JSON.stringify(event)
      const pipeline = publisher.pipeline()
      for (const user of new Set(event.to)) pipeline.publish(userChannel(user), payload)
      const failed = (err: unknown) => {
        // Once per outage at warn: under load every send would say it again.
        if (!publishFailing) log.warn({ err, type: event.type }, 'event not published (Redis unavailable)')
        publishFailing = true
      }
      try {
        pipeline.exec().then((results) => {
          const error = results?.find(([err]) => err)?.[0]
          if (error) failed(error)
          else publishFailing = false
        }, failed)
      } catch (err) {
        failed(err)
      }
    },

    async subscribe(userUuid, listener) {
      if (subscriber.status !== 'ready') throw new BusUnavailableError()
      const channelName = userChannel(userUuid)
      let entry = channels.get(channelName)
      if (!entry) {
        entry = { listeners: new Set(), subscribed: subscriber.subscribe(channelName) }
        channels.set(channelName, entry)
      }
      const mine = entry
      mine.listeners.add(listener)
      try {
        await mine.subscribed
      } catch (err) {
        unsubscribe(channelName, mine, listener)
        throw new BusUnavailableError(undefined, { cause: err })
      }
      // The connection dropped while SUBSCRIBE was in flight: this listener was dropped with it.
      if (channels.get(channelName) !== mine) throw new BusUnavailableError()
      let done = false
      return () => {
        if (done) return
        done = true
        unsubscribe(channelName, mine, listener)
      }
    },

    onDown(listener) {
      downListeners.add(listener)
      return () => {
        downListeners.delete(listener)
      }
    },

    health() {
      const ok = subscriber.status === 'ready' && publisher.status === 'ready'
      return { ok, detail: `redis subscriber ${subscriber.status}, publisher ${publisher.status}` }
    },

    async close() {
      channels.clear()
      downListeners.clear()
      await Promise.all([closeConnection(publisher), closeConnection(subscriber)])
    },
  }
}
