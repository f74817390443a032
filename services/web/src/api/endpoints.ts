import type {
  CreateMessageResponse,
  MessageGroupItem,
  MessageItem,
  UserShort,
  WebConfig,
} from '@cruddur/types'
import { request } from './http.js'

/** A conversation in my list; `unread_count` absent (an older server, or a list item made from an event): no badge. */
export type GroupEntry = Omit<MessageGroupItem, 'unread_count'> & { unread_count?: number }

export interface Page<T> {
  items: T[]
  /** `x-next-cursor`: there is more, ask with this. */
  next: string | null
}

/** Answers of the realtime API; the server may not have them yet (then these calls 404). */
export interface StreamTicket {
  ticket: string
  expires_at: string
}
export interface ReadResult {
  message_group_uuid: string
  up_to: string
  unread_count: number
}

const pageQuery = (cursor: string | null | undefined, limit?: number) => {
  const q = new URLSearchParams()
  if (limit) q.set('limit', String(limit))
  if (cursor) q.set('cursor', cursor)
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** The API the page uses, bound to a function that yields a valid access token. */
export function createApi(token: () => Promise<string>) {
  const authed = async <T>(path: string, options: Parameters<typeof request>[1] = {}) =>
    request<T>(path, { ...options, token: await token() })

  return {
    async groups(cursor?: string | null): Promise<Page<GroupEntry>> {
      const res = await authed<GroupEntry[]>(`/api/message_groups${pageQuery(cursor)}`)
      return { items: res.data, next: res.headers.get('x-next-cursor') }
    },
    async messages(groupUuid: string, cursor?: string | null, limit?: number): Promise<Page<MessageItem>> {
      const path = `/api/messages/${encodeURIComponent(groupUuid)}${pageQuery(cursor, limit)}`
      const res = await authed<MessageItem[]>(path)
      return { items: res.data, next: res.headers.get('x-next-cursor') }
    },
    async send(
      target: { message_group_uuid: string } | { handle: string },
      message: string,
      idempotencyKey: string,
    ): Promise<CreateMessageResponse> {
      const res = await authed<CreateMessageResponse>('/api/messages', {
        method: 'POST',
        body: { message, ...target },
        headers: { 'idempotency-key': idempotencyKey },
      })
      return res.data
    },
    async markRead(groupUuid: string, upTo?: string): Promise<ReadResult> {
      const path = `/api/message_groups/${encodeURIComponent(groupUuid)}/read`
      return (await authed<ReadResult>(path, { method: 'POST', body: upTo ? { up_to: upTo } : {} })).data
    },
    async typing(groupUuid: string): Promise<void> {
      await authed(`/api/message_groups/${encodeURIComponent(groupUuid)}/typing`, { method: 'POST' })
    },
    async streamTicket(): Promise<StreamTicket> {
      return (await authed<StreamTicket>('/api/stream/ticket', { method: 'POST', body: {} })).data
    },
  }
}
export type Api = ReturnType<typeof createApi>

/** No sign-in needed: who a handle is, before the first message goes to them. */
export async function lookupUser(handle: string): Promise<UserShort> {
  return (await request<UserShort>(`/api/users/@${encodeURIComponent(handle)}/short`)).data
}

export async function loadWebConfig(): Promise<WebConfig> {
  const { data } = await request<WebConfig>('/web-config.json')
  for (const key of ['region', 'userPoolId', 'clientId'] as const) {
    if (typeof data?.[key] !== 'string' || data[key] === '') {
      throw new Error(`/web-config.json lacks "${key}"`)
    }
  }
  return data
}
