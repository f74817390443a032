import t from 'tap'
import { type Action, initialState, reducer, type State, TYPING_SHOWN_MS } from '../../src/state/reducer.js'

const msg = (n: number, handle: string, group = 'g1') => ({
  message_group_uuid: group,
  uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  display_name: handle,
  handle,
  message: `#${n}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
})
const item = (n: number, handle: string) => {
  const { message_group_uuid: _, ...rest } = msg(n, handle)
  return rest
}
const run = (actions: Action[], from: State = initialState) => actions.reduce(reducer, from)
const texts = (s: State, g = 'g1') => s.timelines[g]?.messages.map((m) => m.message)
const listed: Extract<Action, { type: 'groups' }> = {
  type: 'groups',
  items: [
    { uuid: 'g1', display_name: 'Ben', handle: 'ben', message: '#2', created_at: msg(2, 'ben').created_at },
  ],
  next: null,
  append: false,
}

t.test('pages and live events of a conversation end in one ordered run', async (t) => {
  const s = run([
    listed,
    { type: 'newest', group: 'g1', items: [item(4, 'ben'), item(3, 'ana')], next: 'c' },
    { type: 'message', event: msg(5, 'ben'), me: 'ana', viewing: 'g1' },
    { type: 'message', event: msg(5, 'ben'), me: 'ana', viewing: 'g1' },
    { type: 'older', group: 'g1', items: [item(1, 'ana'), item(2, 'ben')], next: null },
  ])
  t.same(texts(s), ['#1', '#2', '#3', '#4', '#5'])
  t.equal(s.timelines.g1?.older, null)
  t.equal(s.groups[0]?.message, '#5', 'the list shows the last message')
  t.equal(
    run([{ type: 'older', group: 'nope', items: [], next: null }]),
    initialState,
    'an older page of nothing held',
  )
})

t.test('a live message of an unopened conversation updates the list only', async (t) => {
  const s = run([listed, { type: 'message', event: msg(9, 'ben'), me: 'ana', viewing: null }])
  t.equal(s.timelines.g1, undefined, 'nothing fetched, nothing held')
  t.equal(s.groups[0]?.message, '#9')
  const mineElsewhere = run([
    listed,
    { type: 'message', event: msg(9, 'ana', 'g7'), me: 'ana', viewing: null },
  ])
  t.ok(mineElsewhere.groupsStale, 'a conversation the list cannot place: fetch the list')
  t.notOk(run([listed], mineElsewhere).groupsStale, 'a fetched list is fresh again')
})

t.test('read events: mine clear the badge, theirs move "Seen"', async (t) => {
  const counted: typeof listed = { ...listed, items: listed.items.map((g) => ({ ...g, unread_count: 3 })) }
  const mine = run([
    counted,
    { type: 'read', event: { message_group_uuid: 'g1', handle: 'Ana', up_to: 'x' }, me: 'ana' },
  ])
  t.equal(mine.groups[0]?.unread_count, 0)
  t.same(mine.otherRead, {})
  const theirs = run([
    counted,
    { type: 'read', event: { message_group_uuid: 'g1', handle: 'ben', up_to: 'm5' }, me: 'ana' },
  ])
  t.same(theirs.otherRead, { g1: 'm5' })
  t.equal(
    run([counted, { type: 'myRead', group: 'g1', unread: 1 }]).groups[0]?.unread_count,
    1,
    'the server’s count',
  )
})

t.test('typing shows for a while, ends with their message or the timeout, never for me', async (t) => {
  const typing = {
    type: 'typing',
    event: { message_group_uuid: 'g1', handle: 'ben' },
    me: 'ana',
    now: 1000,
  } as const
  const s = run([listed, typing])
  t.same(s.typing.g1, { handle: 'ben', until: 1000 + TYPING_SHOWN_MS })
  t.equal(run([{ type: 'typingEnd', group: 'g1', now: 2000 }], s), s, 'not yet over')
  t.same(run([{ type: 'typingEnd', group: 'g1', now: 1000 + TYPING_SHOWN_MS }], s).typing, {}, 'over')
  t.same(
    run([{ type: 'message', event: msg(3, 'ben'), me: 'ana', viewing: 'g1' }], s).typing,
    {},
    'they sent it',
  )
  t.same(
    run([{ type: 'message', event: msg(3, 'ana'), me: 'ana', viewing: 'g1' }], s).typing,
    s.typing,
    'I sent',
  )
  t.same(run([{ ...typing, event: { message_group_uuid: 'g1', handle: 'ANA' } }]).typing, {}, 'my own typing')
})

t.test('live status', async (t) => {
  const s = run([{ type: 'live', status: 'reconnecting' }])
  t.equal(s.live, 'reconnecting')
  t.equal(run([{ type: 'live', status: 'reconnecting' }], s), s, 'unchanged: same state')
})
