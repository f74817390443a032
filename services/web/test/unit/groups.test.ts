import t from 'tap'
import type { GroupEntry } from '../../src/api/endpoints.js'
import { withGroupsPage, withMessageEvent, withReadByMe } from '../../src/conversation/groups.js'

const group = (
  uuid: string,
  handle: string,
  minute: number,
  extra: Partial<GroupEntry> = {},
): GroupEntry => ({
  uuid,
  display_name: handle.toUpperCase(),
  handle,
  message: `last of ${handle}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString(),
  ...extra,
})
const event = (groupUuid: string, handle: string, minute: number, message = 'new') => ({
  message_group_uuid: groupUuid,
  uuid: `m-${groupUuid}-${minute}`,
  display_name: handle.toUpperCase(),
  handle,
  message,
  created_at: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString(),
})
const order = (groups: GroupEntry[]) => groups.map((g) => g.handle)

t.test('a new message moves its conversation to the top with that message', async (t) => {
  const list = [group('g1', 'ben', 30), group('g2', 'cleo', 20), group('g3', 'dev', 10)]
  const { groups, unknown } = withMessageEvent(list, event('g3', 'dev', 40, 'hi'), 'ana', null)
  t.same(order(groups), ['dev', 'ben', 'cleo'])
  t.equal(groups[0]?.message, 'hi')
  t.notOk(unknown)
  t.same(order(withMessageEvent(list, event('g2', 'ana', 41), 'ANA', null).groups), ['cleo', 'ben', 'dev'])
})

t.test('a replayed older message changes nothing', async (t) => {
  const list = [group('g1', 'ben', 30), group('g2', 'cleo', 20)]
  t.same(withMessageEvent(list, event('g2', 'cleo', 5), 'ana', null).groups, list)
})

t.test('the replay of the last message itself (after a reconnect) is not counted again', async (t) => {
  const list = [group('g1', 'ben', 30, { unread_count: 1 }), group('g2', 'cleo', 20, { unread_count: 0 })]
  const once = withMessageEvent(list, event('g2', 'cleo', 40), 'ana', null).groups
  t.equal(once.find((g) => g.uuid === 'g2')?.unread_count, 1)
  const replayed = withMessageEvent(once, event('g2', 'cleo', 40), 'ana', null).groups
  t.same(replayed, once, 'the same message again: the same list, the same count')
})

t.test(
  'unread counts: only where the server counts, only from the other person, not while viewing',
  async (t) => {
    const counted = [
      group('g1', 'ben', 30, { unread_count: 0 }),
      group('g2', 'cleo', 20, { unread_count: 2 }),
    ]
    const r1 = withMessageEvent(counted, event('g2', 'cleo', 40), 'ana', null).groups
    t.equal(r1.find((g) => g.uuid === 'g2')?.unread_count, 3, 'from the other person: +1')
    const r2 = withMessageEvent(counted, event('g2', 'ana', 40), 'ana', null).groups
    t.equal(r2.find((g) => g.uuid === 'g2')?.unread_count, 2, 'my own (other device): unchanged')
    const r3 = withMessageEvent(counted, event('g2', 'cleo', 40), 'ana', 'g2').groups
    t.equal(r3.find((g) => g.uuid === 'g2')?.unread_count, 2, 'I am looking at it: unchanged')
    const plain = [group('g1', 'ben', 30)]
    const r4 = withMessageEvent(plain, event('g1', 'ben', 40), 'ana', null).groups
    t.equal(r4[0]?.unread_count, undefined, 'no counts from the server: no badge')
    t.same(
      withReadByMe(counted, 'g2').map((g) => g.unread_count),
      [0, 0],
      'read: the badge goes',
    )
    t.same(withReadByMe(plain, 'g1'), plain, 'nothing to clear')
  },
)

t.test('a message in a conversation not in the list', async (t) => {
  const list = [group('g1', 'ben', 30, { unread_count: 0 })]
  const fromOther = withMessageEvent(list, event('g9', 'zoe', 50, 'hello'), 'ana', null)
  t.same(order(fromOther.groups), ['zoe', 'ben'], 'from them: the event says who they are')
  t.equal(fromOther.groups[0]?.unread_count, 1)
  t.ok(fromOther.unknown, 'and the list is fetched again, for the server’s count')
  const first = withMessageEvent([], event('g9', 'zoe', 50), 'ana', null)
  t.same(order(first.groups), ['zoe'], 'my first conversation appears at once')
  t.ok(first.unknown, 'an empty list cannot say whether counts exist: fetch it')
  const viewing = withMessageEvent(list, event('g9', 'zoe', 50), 'ana', 'g9')
  t.equal(viewing.groups[0]?.unread_count, undefined, 'viewing it: no count')
  const mine = withMessageEvent(list, event('g9', 'ana', 50), 'ana', null)
  t.ok(mine.unknown, 'from me (another device): the list must be fetched to know who')
  t.same(mine.groups, list)
})

t.test('list pages append, each conversation once', async (t) => {
  const first = [group('g1', 'ben', 30), group('g2', 'cleo', 20)]
  t.same(order(withGroupsPage(first, [group('g2', 'cleo', 20), group('g3', 'dev', 10)])), [
    'ben',
    'cleo',
    'dev',
  ])
})
