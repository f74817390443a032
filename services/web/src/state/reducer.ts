import type { MessageItem } from '@cruddur/types'
import type { GroupEntry } from '../api/endpoints.js'
import { type MessageEvent, withGroupsPage, withMessageEvent, withReadByMe } from '../conversation/groups.js'
import {
  emptyTimeline,
  type Timeline,
  withMessage,
  withNewestPage,
  withOlderPage,
} from '../conversation/timeline.js'

export type LiveStatus = 'connecting' | 'live' | 'reconnecting'

/** `read` event: `handle` moved their read position in a conversation to message `up_to`. */
export interface ReadEvent {
  message_group_uuid: string
  handle: string
  up_to: string
  read_at?: string
}
export interface TypingEvent {
  message_group_uuid: string
  handle: string
}

/** How long "… is typing" stays without a new typing event (the server sends one per 2 s). */
export const TYPING_SHOWN_MS = 4_000

export interface State {
  groups: GroupEntry[]
  groupsNext: string | null
  groupsLoaded: boolean
  /** Something arrived the list cannot place: fetch it again. */
  groupsStale: boolean
  timelines: Record<string, Timeline>
  /** Per conversation: the other person's read position (a message uuid). */
  otherRead: Record<string, string>
  typing: Record<string, { handle: string; until: number }>
  live: LiveStatus
}

export const initialState: State = {
  groups: [],
  groupsNext: null,
  groupsLoaded: false,
  groupsStale: false,
  timelines: {},
  otherRead: {},
  typing: {},
  live: 'connecting',
}

export type Action =
  | { type: 'groups'; items: GroupEntry[]; next: string | null; append: boolean }
  | { type: 'newest'; group: string; items: MessageItem[]; next: string | null }
  | { type: 'older'; group: string; items: MessageItem[]; next: string | null }
  | { type: 'message'; event: MessageEvent; me: string; viewing: string | null }
  | { type: 'read'; event: ReadEvent; me: string }
  | { type: 'myRead'; group: string; unread: number }
  | { type: 'typing'; event: TypingEvent; me: string; now: number }
  | { type: 'typingEnd'; group: string; now: number }
  | { type: 'live'; status: LiveStatus }

const without = <T>(record: Record<string, T>, key: string) => {
  const { [key]: _, ...rest } = record
  return rest
}

/** Every change of what the page shows, as a pure function (the tests drive it directly). */
export function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'groups':
      return {
        ...state,
        groups: action.append ? withGroupsPage(state.groups, action.items) : action.items,
        groupsNext: action.next,
        groupsLoaded: true,
        groupsStale: false,
      }
    case 'newest': {
      const tl = withNewestPage(state.timelines[action.group] ?? emptyTimeline, action.items, action.next)
      return { ...state, timelines: { ...state.timelines, [action.group]: tl } }
    }
    case 'older': {
      const held = state.timelines[action.group]
      if (!held) return state
      const tl = withOlderPage(held, action.items, action.next)
      return { ...state, timelines: { ...state.timelines, [action.group]: tl } }
    }
    case 'message': {
      const { event } = action
      const group = event.message_group_uuid
      const { message_group_uuid: _, ...item } = event
      const held = state.timelines[group]
      const timelines = held ? { ...state.timelines, [group]: withMessage(held, item) } : state.timelines
      const outcome = withMessageEvent(state.groups, event, action.me, action.viewing)
      const typist = state.typing[group]
      const typing =
        typist && typist.handle.toLowerCase() === event.handle.toLowerCase()
          ? without(state.typing, group)
          : state.typing
      return {
        ...state,
        timelines,
        groups: outcome.groups,
        groupsStale: state.groupsStale || outcome.unknown,
        typing,
      }
    }
    case 'read': {
      const { event } = action
      if (event.handle.toLowerCase() === action.me.toLowerCase()) {
        return { ...state, groups: withReadByMe(state.groups, event.message_group_uuid) }
      }
      return { ...state, otherRead: { ...state.otherRead, [event.message_group_uuid]: event.up_to } }
    }
    case 'myRead':
      return { ...state, groups: withReadByMe(state.groups, action.group, action.unread) }
    case 'typing': {
      const { event } = action
      if (event.handle.toLowerCase() === action.me.toLowerCase()) return state
      const entry = { handle: event.handle, until: action.now + TYPING_SHOWN_MS }
      return { ...state, typing: { ...state.typing, [event.message_group_uuid]: entry } }
    }
    case 'typingEnd': {
      const entry = state.typing[action.group]
      if (!entry || entry.until > action.now) return state
      return { ...state, typing: without(state.typing, action.group) }
    }
    case 'live':
      return state.live === action.status ? state : { ...state, live: action.status }
  }
}
