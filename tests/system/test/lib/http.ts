import type { System } from './system.js'

export interface Reply<T = unknown> {
  status: number
  headers: Headers
  text: string
  json: T
  ms: number
}

export interface CallOptions {
  token?: string
  body?: unknown
  /** Sent as is (no JSON encoding). */
  rawBody?: string | Uint8Array
  headers?: Record<string, string>
  timeoutMs?: number
  signal?: AbortSignal
}

/** Every answer the tests saw, by status class: the "no 5xx" figure is read from here. */
export const seen = { requests: 0, status5xx: 0, byStatus: new Map<number, number>() }

export function note(status: number) {
  seen.requests++
  if (status >= 500) seen.status5xx++
  seen.byStatus.set(status, (seen.byStatus.get(status) ?? 0) + 1)
}

/** The body; of an event stream (which does not end) only its first chunk, then it is closed. */
async function bodyText(res: Response): Promise<string> {
  if (!res.headers.get('content-type')?.startsWith('text/event-stream') || !res.body) return res.text()
  const reader = res.body.getReader()
  const first = await reader.read()
  await reader.cancel()
  return first.value ? new TextDecoder().decode(first.value) : ''
}

export async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  let body: string | Uint8Array | undefined
  if (options.rawBody !== undefined) body = options.rawBody
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
  }
  const t0 = performance.now()
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body,
    signal: options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 30_000),
  })
  const text = await bodyText(res)
  const ms = performance.now() - t0
  note(res.status)
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json: json as T, ms }
}

export const messaging = <T = unknown>(system: System, method: string, path: string, options?: CallOptions) =>
  call<T>(system.facts.messagingService.url, method, path, options)

export const users = <T = unknown>(system: System, method: string, path: string, options?: CallOptions) =>
  call<T>(system.facts.userService.url, method, path, options)

/** One item of `GET /api/message_groups`: a conversation, the other person, the last message. */
export interface ListedGroup {
  uuid: string
  display_name: string
  handle: string
  message: string
  created_at: string
  unread_count: number
}

/** A user's conversation list (the first page). */
export const conversationList = (system: System, token: string) =>
  messaging<ListedGroup[]>(system, 'GET', '/api/message_groups', { token })

export interface SentMessage {
  message_group_uuid: string
  uuid: string
  display_name: string
  handle: string
  message: string
  created_at: string
}

export interface ListedMessage {
  uuid: string
  display_name: string
  handle: string
  message: string
  created_at: string
}

/** Pages back through a whole conversation (newest page first) and returns it oldest→newest. */
export async function wholeConversation(system: System, token: string, groupUuid: string, limit = 100) {
  const pages: ListedMessage[][] = []
  let cursor: string | null = null
  for (let i = 0; i < 1000; i++) {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res: Reply<ListedMessage[]> = await messaging<ListedMessage[]>(
      system,
      'GET',
      `/api/messages/${groupUuid}${query}`,
      { token },
    )
    if (res.status !== 200) throw new Error(`listing ${groupUuid} answered ${res.status}: ${res.text}`)
    pages.push(res.json)
    cursor = res.headers.get('x-next-cursor')
    if (!cursor) break
  }
  return { messages: pages.reverse().flat(), pages: pages.length }
}

/** The contract error body: `{statusCode, error, message, errors?}`. */
export interface ErrorBody {
  statusCode: number
  error: string
  message: string
  errors?: string[]
}

/** Text that must never reach a client: stack frames, SQL, driver and AWS SDK error text. */
export const INTERNALS =
  /(\n\s+at |at [\w.<>]+ \(|node_modules|\.ts:\d+|\.js:\d+|\bselect\b.+\bfrom\b|\binsert into\b|\bupdate\b.+\bset\b|syntax error at|relation "|violates|duplicate key|PostgresError|\bsqlstate\b|ValidationException|ConditionalCheckFailed|TransactionCanceled|ResourceNotFound|ProvisionedThroughput|ServiceException|com\.amazonaws|AccessDenied|UnrecognizedClient|ECONNREFUSED|ECONNRESET|ETIMEDOUT|TypeError|ReferenceError|Cannot read properties|is not a function|undefined is not)/i

/**
 * The internal detail a body leaks, if any. Echoes of what the client itself sent are cut out
 * first: a 404 that repeats an injected `select … from` handle leaks nothing.
 */
export function leakedInternals(body: string, sent: string[] = []): string | null {
  let text = body
  for (const s of sent) {
    if (!s) continue
    text = text.split(s).join('')
    text = text.split(JSON.stringify(s).slice(1, -1)).join('')
  }
  return INTERNALS.exec(text)?.[0] ?? null
}
