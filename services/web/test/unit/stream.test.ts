import t from 'tap'
import { LiveStream, type StreamHandlers } from '../../src/live/stream.js'

/**
 * A stand-in for the browser's EventSource (the one browser API this module uses): records
 * the URLs opened and lets the test fire what a server would. The real stream is exercised by
 * the browser tests once the server has it.
 */
class FakeSource {
  static opened: FakeSource[] = []
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  closed = false
  listeners = new Map<string, (e: { data: string; lastEventId: string }) => void>()
  constructor(readonly url: string) {
    FakeSource.opened.push(this)
  }
  addEventListener(name: string, fn: (e: { data: string; lastEventId: string }) => void) {
    this.listeners.set(name, fn)
  }
  close() {
    this.closed = true
  }
  emit(name: string, data: unknown, lastEventId = '') {
    this.listeners.get(name)?.({ data: typeof data === 'string' ? data : JSON.stringify(data), lastEventId })
  }
}

function harness(tickets: Array<string | Error>) {
  FakeSource.opened = []
  const log: string[] = []
  const timers: Array<{ fn: () => void; ms: number }> = []
  const handlers: StreamHandlers = {
    status: (s) => log.push(`status:${s}`),
    message: (e) => log.push(`message:${e.uuid}`),
    read: (e) => log.push(`read:${e.up_to}`),
    typing: (e) => log.push(`typing:${e.handle}`),
    reset: () => log.push('reset'),
    resumed: () => log.push('resumed'),
  }
  const stream = new LiveStream(handlers, {
    ticket: async () => {
      const next = tickets.shift() ?? 'spare'
      if (next instanceof Error) throw next
      return next
    },
    EventSource: FakeSource as unknown as typeof EventSource,
    random: () => 1,
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
    clearTimeout: () => {},
  })
  const settle = () => new Promise((r) => setImmediate(r))
  return { stream, log, timers, settle, source: (i: number) => FakeSource.opened[i] as FakeSource }
}

t.test('connects with a ticket and hands each event on', async (t) => {
  const h = harness(['tk1'])
  h.stream.start()
  await h.settle()
  t.equal(h.source(0).url, '/api/stream?ticket=tk1')
  h.source(0).onopen?.()
  h.source(0).emit('message', { uuid: 'm1' }, '7')
  h.source(0).emit('read', { up_to: 'm1' }, '8')
  h.source(0).emit('typing', { handle: 'ben' })
  h.source(0).emit('message', 'not json')
  h.source(0).emit('reset', {})
  t.same(h.log, ['status:connecting', 'status:live', 'message:m1', 'read:m1', 'typing:ben', 'reset'])
  h.stream.stop()
  t.ok(h.source(0).closed)
})

t.test(
  'a drop reconnects with a new ticket after a growing backoff, resuming from the last id',
  async (t) => {
    const h = harness(['tk1', 'tk2', new Error('404'), 'tk4'])
    h.stream.start()
    await h.settle()
    h.source(0).onopen?.()
    h.source(0).emit('message', { uuid: 'm1' }, '41')
    h.source(0).onerror?.()
    t.ok(h.source(0).closed, 'the spent ticket is not retried by EventSource itself')
    t.same(h.log.slice(-1), ['status:reconnecting'])
    t.equal(h.timers[0]?.ms, 500)
    h.timers[0]?.fn()
    await h.settle()
    t.equal(h.source(1).url, '/api/stream?ticket=tk2&last_event_id=41')
    h.source(1).onerror?.() // the server went away again before opening
    t.equal(h.timers[1]?.ms, 1000, 'backoff grows')
    h.timers[1]?.fn()
    await h.settle()
    t.equal(FakeSource.opened.length, 2, 'no ticket (no stream on the server yet): no EventSource')
    t.equal(h.timers[2]?.ms, 2000, 'and it keeps backing off')
    h.timers[2]?.fn()
    await h.settle()
    h.source(2).onopen?.()
    t.same(h.log.slice(-2), ['status:live', 'resumed'], 'back: the page refetches what is on screen')
    h.source(2).onerror?.()
    t.equal(h.timers[3]?.ms, 500, 'a successful open resets the backoff')
    h.stream.stop()
  },
)

t.test('a reset forgets the resume point', async (t) => {
  const h = harness(['tk1', 'tk2'])
  h.stream.start()
  await h.settle()
  h.source(0).emit('message', { uuid: 'm1' }, '41')
  h.source(0).emit('reset', {})
  h.source(0).onerror?.()
  h.timers[0]?.fn()
  await h.settle()
  t.equal(h.source(1).url, '/api/stream?ticket=tk2', 'no last_event_id after a reset')
  h.stream.stop()
})

t.test('online again: retry at once; stopped: nothing more happens', async (t) => {
  const h = harness([new Error('offline'), 'tk2'])
  h.stream.start()
  await h.settle()
  t.equal(h.timers.length, 1)
  h.stream.retryNow()
  await h.settle()
  t.equal(FakeSource.opened.length, 1, 'reconnected without waiting')
  h.stream.retryNow()
  await h.settle()
  t.equal(FakeSource.opened.length, 1, 'already connected: no second source')
  h.stream.stop()
  h.stream.retryNow()
  h.timers[0]?.fn()
  await h.settle()
  t.equal(FakeSource.opened.length, 1, 'stopped for good')
})
