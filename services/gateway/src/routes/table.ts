import {
  CreateMessageBody,
  CreateMessageResponse,
  ErrorBody,
  HandleParams,
  IdempotencyHeaders,
  ListQuery,
  MessageGroupList,
  MessageGroupParams,
  MessageList,
  UserShort,
} from '@cruddur/types'
import { Type } from 'typebox'
import type { UpstreamName } from '../proxy/index.js'

export type Method = 'GET' | 'POST'

export interface PublicRoute {
  upstream: UpstreamName
  method: Method
  url: string
  /** A long-lived `text/event-stream` response (its own pool, idle timeout, no socket timeout). */
  stream?: boolean
  /** For /docs/json only: the gateway validates nothing, the service behind it does. */
  schema: Record<string, unknown>
}

/** A path prefix forwarded whole: the prefix itself and everything below it. */
export interface ForwardedPrefix {
  upstream: UpstreamName
  prefix: string
  /** GETs under it are event streams. */
  streams?: boolean
}

const bearer = [{ bearerAuth: [] }]
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorBody]))
const listDescription = 'More pages: pass the `x-next-cursor` response header back as `?cursor=`.'

/** Everything under these prefixes goes to messaging-service (GET and POST), described or not. */
export const FORWARDED_PREFIXES: ForwardedPrefix[] = [
  { upstream: 'messaging-service', prefix: '/api/message_groups' },
  { upstream: 'messaging-service', prefix: '/api/messages' },
  { upstream: 'messaging-service', prefix: '/api/stream', streams: true },
]

/**
 * The public API as the gateway describes it at /docs/json. The user-service route is the only
 * path of that service the gateway forwards; messaging-service routes also match the prefixes
 * above, which forward what is not listed here (so a new route of that service needs no change
 * here to be reachable).
 */
export const PUBLIC_ROUTES: PublicRoute[] = [
  {
    upstream: 'user-service',
    method: 'GET',
    url: '/api/users/@:handle/short',
    schema: {
      tags: ['users'],
      summary: 'The short public profile of a handle (case-insensitive; no auth)',
      params: HandleParams,
      response: { 200: UserShort, ...errors(400, 404, 503) },
    },
  },
  {
    upstream: 'messaging-service',
    method: 'GET',
    url: '/api/message_groups',
    schema: {
      tags: ['messages'],
      summary: 'My conversations, most recent activity first',
      description: listDescription,
      security: bearer,
      querystring: ListQuery,
      response: { 200: MessageGroupList, ...errors(400, 401, 403, 503) },
    },
  },
  {
    upstream: 'messaging-service',
    method: 'POST',
    url: '/api/message_groups/:message_group_uuid/read',
    schema: {
      tags: ['messages'],
      summary: 'Move my read position in a conversation (default: its newest message)',
      security: bearer,
      params: MessageGroupParams,
      body: Type.Object({ up_to: Type.Optional(Type.String({ format: 'uuid' })) }),
      response: {
        200: Type.Object({
          message_group_uuid: Type.String({ format: 'uuid' }),
          up_to: Type.String({ format: 'uuid' }),
          unread_count: Type.Integer({ minimum: 0 }),
        }),
        ...errors(400, 401, 403, 404, 503),
      },
    },
  },
  {
    upstream: 'messaging-service',
    method: 'POST',
    url: '/api/message_groups/:message_group_uuid/typing',
    schema: {
      tags: ['messages'],
      summary: 'Tell the other person I am typing (at most one event per 2 s is published)',
      security: bearer,
      params: MessageGroupParams,
      response: { 204: Type.Null({ description: 'accepted' }), ...errors(401, 403, 404, 503) },
    },
  },
  {
    upstream: 'messaging-service',
    method: 'GET',
    url: '/api/messages/:message_group_uuid',
    schema: {
      tags: ['messages'],
      summary: 'Messages of one conversation: the newest page, oldest to newest',
      description: listDescription,
      security: bearer,
      params: MessageGroupParams,
      querystring: ListQuery,
      response: { 200: MessageList, ...errors(400, 401, 403, 404, 503) },
    },
  },
  {
    upstream: 'messaging-service',
    method: 'POST',
    url: '/api/messages',
    schema: {
      tags: ['messages'],
      summary: 'Send a message: into a conversation (message_group_uuid) or to a person (handle)',
      security: bearer,
      headers: IdempotencyHeaders,
      body: CreateMessageBody,
      response: { 200: CreateMessageResponse, ...errors(400, 401, 403, 404, 409, 422, 429, 503) },
    },
  },
  {
    upstream: 'messaging-service',
    method: 'GET',
    url: '/api/stream',
    stream: true,
    schema: {
      tags: ['realtime'],
      summary: 'My live events (text/event-stream): message, read, typing, reset; `: ping` every ≤ 20 s',
      description:
        'Auth: `Authorization: Bearer` or `?ticket=` from POST /api/stream/ticket (an access token ' +
        'in the URL is refused). Resume with `Last-Event-ID` (or `?last_event_id=`).',
      security: bearer,
      querystring: Type.Object({
        ticket: Type.Optional(Type.String()),
        last_event_id: Type.Optional(Type.String()),
      }),
      response: { 200: Type.String({ description: 'text/event-stream' }), ...errors(401, 403, 503) },
    },
  },
  {
    upstream: 'messaging-service',
    method: 'POST',
    url: '/api/stream/ticket',
    schema: {
      tags: ['realtime'],
      summary: 'A single-use ticket (≤ 60 s) for EventSource clients, which cannot send headers',
      security: bearer,
      response: {
        200: Type.Object({ ticket: Type.String(), expires_at: Type.String() }),
        ...errors(401, 403, 503),
      },
    },
  },
]

/** A route the gateway registers: a described one, or a hidden catch-all of a forwarded prefix. */
export type ForwardedRoute = Omit<PublicRoute, 'schema'> & { schema: Record<string, unknown> }

/**
 * Every route the gateway forwards: the described ones, then for each prefix its GET and POST
 * on the prefix itself and below it (hidden from /docs/json), where no described route already
 * holds the same method and path. Static and parametric routes win over the catch-all.
 */
export function forwardedRoutes(): ForwardedRoute[] {
  const taken = new Set(PUBLIC_ROUTES.map((r) => `${r.method} ${r.url}`))
  const catchAll = FORWARDED_PREFIXES.flatMap(({ upstream, prefix, streams }) =>
    (['GET', 'POST'] as const).flatMap((method) =>
      [prefix, `${prefix}/*`]
        .filter((url) => !taken.has(`${method} ${url}`))
        .map((url) => ({
          upstream,
          method,
          url,
          stream: streams === true && method === 'GET',
          schema: { hide: true },
        })),
    ),
  )
  return [...PUBLIC_ROUTES, ...catchAll]
}
