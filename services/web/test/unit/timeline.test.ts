import type { MessageItem } from '@cruddur/types'
import t from 'tap'
import {
  compareMessages,
  emptyTimeline,
  mergeMessages,
  seenMessage,
  withMessage,
  withNewestPage,
  withOlderPage,
} from '../../src/conversation/timeline.js'

/** Message n of a conversation: a minute apart from 23:30 on New Year's Eve, alternating senders. */
const at = (n: number) => new Date(Date.UTC(2025, 11, 31, 23, 30 + n)).toISOString()
const msg = (n: number, handle = n % 2 ? 'ana' : 'ben'): MessageItem => ({
  uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  display_name: handle,
  handle,
  message: `#${n}`,
  created_at: at(n),
})
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i))
const numbers = (items: MessageItem[]) => items.map((m) => Number(m.message.slice(1)))
/** from, from + 1, …, to */
const upTo = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

t.test('order is time, then uuid (the server’s sort key), across the New Year', async (t) => {
  const a = msg(1)
  const twin = { ...msg(2), created_at: a.created_at }
  t.ok(compareMessages(a, twin) < 0, 'same millisecond: by uuid')
  t.equal(compareMessages(a, { ...a }), 0)
  t.same(numbers(mergeMessages([], [msg(40), msg(5), msg(31)])), [5, 31, 40], '23:35 < 00:01 < 00:10')
})

t.test(
  'pages merge into one run: newest first, then older pages in front, no gap, no duplicate',
  async (t) => {
    // The server's pages of 20, newest first: #26..#45, then #6..#25, then #1..#5.
    let tl = withNewestPage(emptyTimeline, range(26, 45).reverse(), 'c1')
    t.same(numbers(tl.messages), upTo(26, 45))
    t.equal(tl.older, 'c1')
    tl = withOlderPage(tl, range(6, 25), 'c2')
    tl = withOlderPage(tl, range(1, 5), null)
    t.same(numbers(tl.messages), upTo(1, 45), '#1..#45 once each')
    t.equal(tl.older, null, 'the start is reached')
    const again = withOlderPage(tl, range(1, 5), null)
    t.same(numbers(again.messages), numbers(tl.messages), 'a page fetched twice adds nothing')
  },
)

t.test('live messages go in place, once', async (t) => {
  let tl = withNewestPage(emptyTimeline, range(1, 10), null)
  tl = withMessage(tl, msg(12))
  tl = withMessage(tl, msg(11)) // arrived out of order (replay after reconnect)
  const same = withMessage(tl, msg(12))
  t.equal(same, tl, 'a duplicate changes nothing (same object: no re-render)')
  t.same(numbers(tl.messages), upTo(1, 12))
})

t.test(
  'the newest page again after a drop: merged when it touches, replacing when it might leave a hole',
  async (t) => {
    const held = withOlderPage(withNewestPage(emptyTimeline, range(26, 45), 'c1'), range(6, 25), 'c2')
    const touching = withNewestPage(held, range(30, 49), 'c9')
    t.same(numbers(touching.messages), upTo(6, 49), 'overlap: one run')
    t.equal(touching.older, 'c2', 'the older cursor of the held run is kept')

    const far = withNewestPage(held, range(60, 79), 'c60')
    t.same(numbers(far.messages), upTo(60, 79), '15 missed messages: start over')
    t.equal(far.older, 'c60', 'scrolling up fetches the rest, from the new page')

    const whole = withNewestPage(held, range(50, 52), null)
    t.same(numbers(whole.messages).slice(-3), [50, 51, 52], 'no cursor: the page is all there is after')
    t.equal(whole.older, null)

    const adjacent = withNewestPage(held, [msg(45), msg(46)], 'cx')
    t.same(numbers(adjacent.messages).slice(-2), [45, 46], 'holding its oldest message: touches')
  },
)

t.test('"Seen" is under my last message once the other person read up to it or later', async (t) => {
  const tl = withNewestPage(emptyTimeline, range(1, 6), null) // ana sends odd numbers
  const mine = msg(5).uuid
  t.equal(seenMessage(tl, 'ANA', msg(5).uuid), mine, 'read up to it (handles case-insensitive)')
  t.equal(seenMessage(tl, 'ana', msg(6).uuid), mine, 'read past it')
  t.equal(seenMessage(tl, 'ana', msg(4).uuid), null, 'read only up to before it')
  t.equal(seenMessage(tl, 'ana', undefined), null, 'no read position known')
  t.equal(seenMessage(tl, 'ana', 'not-held'), null, 'a position not held')
  t.equal(seenMessage(tl, 'zoe', msg(6).uuid), null, 'nothing of mine')
})
