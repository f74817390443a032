import type { ConversationEvent } from '../conversations/index.js'
import type { BusDownListener, EventBus, EventListener } from './bus.js'

export interface LocalBusOptions {
  /** Where a listener that throws is reported (it never stops the others). */
  log?: { warn(obj: unknown, msg: string): void }
}

/**
 * The in-process bus, for one instance alone (REDIS_URL unset). Delivery is asynchronous
 * (a microtask per recipient), so a publish never runs stream code inside the request that
 * published; microtasks run in order, so each user gets events in the order they were published.
 * It cannot go down: onDown listeners are never called.
 */
export function createLocalBus(options: LocalBusOptions = {}): EventBus {
  const listeners = new Map<string, Set<EventListener>>()
  const deliver = (set: Set<EventListener>, snapshot: EventListener[], event: ConversationEvent) => {
    for (const listener of snapshot) {
      // Unsubscribed between publish and delivery: it asked not to hear any more.
      if (!set.has(listener)) continue
      try {
        listener(event)
      } catch (err) {
        options.log?.warn({ err }, 'event listener failed')
      }
    }
  }
  return {
    publish(event) {
      for (const user of new Set(event.to)) {
        const set = listeners.get(user)
        if (!set || set.size === 0) continue
        // Those listening now, not those who subscribe before the microtask runs.
        const snapshot = [...set]
        queueMicrotask(() => deliver(set, snapshot, event))
      }
    },
    async subscribe(userUuid, listener) {
      let set = listeners.get(userUuid)
      if (!set) {
        set = new Set()
        listeners.set(userUuid, set)
      }
      set.add(listener)
      const mine = set
      return () => {
        mine.delete(listener)
        if (mine.size === 0 && listeners.get(userUuid) === mine) listeners.delete(userUuid)
      }
    },
    onDown(_listener: BusDownListener) {
      return () => {}
    },
    health: () => ({ ok: true, detail: 'in-process' }),
    async close() {
      listeners.clear()
    },
  }
}
