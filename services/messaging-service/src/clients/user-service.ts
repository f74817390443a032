import { REQUEST_ID_HEADER } from '@cruddur/service-kit'
import type { InternalUser, UsersByUuidsResponse } from '@cruddur/types'
import { DependencyUnavailableError, type UserDirectory } from '../conversations/index.js'
import { TtlCache } from './ttl-cache.js'

export interface UserServiceClientOptions {
  baseUrl: string
  internalToken: string
  /** Per attempt. */
  timeoutMs?: number
  /** How long a looked-up user is remembered (sub → user, uuid → user). */
  cacheTtlMs?: number
  cacheMaxEntries?: number
}

/** fetch's "could not connect" failures (worth one retry), as opposed to timeouts. */
function isConnectionError(err: unknown): boolean {
  if (!(err instanceof TypeError)) return false
  const code = (err.cause as { code?: string } | undefined)?.code
  return (
    code === undefined ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'EAI_AGAIN'].includes(code)
  )
}

const unavailable = (cause: unknown) => new DependencyUnavailableError('user-service', { cause })

/**
 * messaging-service's view of the user directory (user-service's /internal API): timeouts,
 * one retry on connection errors, a short cache. Outages throw DependencyUnavailableError.
 */
export function createUserServiceClient(options: UserServiceClientOptions): UserDirectory {
  const timeoutMs = options.timeoutMs ?? 2_000
  const cache = new TtlCache<InternalUser>(options.cacheTtlMs ?? 30_000, options.cacheMaxEntries ?? 10_000)
  const base = options.baseUrl.replace(/\/+$/, '')
  const inflight = new Map<string, Promise<InternalUser | null>>()

  async function call(
    method: 'GET' | 'POST',
    path: string,
    requestId: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            'x-internal-token': options.internalToken,
            accept: 'application/json',
            ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        })
        const json = await res.json().catch(() => undefined)
        if (res.status >= 500 || res.status === 401) {
          // 401 means our INTERNAL_TOKEN is wrong: a misconfiguration, not the caller's fault.
          throw unavailable(new Error(`${method} ${path} answered ${res.status}`))
        }
        return { status: res.status, json }
      } catch (err) {
        if (attempt === 1 && isConnectionError(err)) continue
        if (err instanceof DependencyUnavailableError) throw err
        throw unavailable(err)
      }
    }
  }

  function remember(user: InternalUser) {
    cache.set(`uuid:${user.uuid}`, user)
    if (user.cognito_user_id) cache.set(`sub:${user.cognito_user_id}`, user)
  }

  return {
    /** The user with this Cognito sub, or null when the directory does not know it (yet). */
    async bySub(sub: string, requestId?: string): Promise<InternalUser | null> {
      const hit = cache.get(`sub:${sub}`)
      if (hit) return hit
      // A burst from one caller (a client sending many messages at once) asks only once.
      const pending = inflight.get(sub)
      if (pending) return pending
      const lookup = (async () => {
        const res = await call('GET', `/internal/users/by-sub/${encodeURIComponent(sub)}`, requestId)
        if (res.status === 404) return null
        if (res.status !== 200) throw unavailable(new Error(`by-sub ${res.status}`))
        const user = res.json as InternalUser
        remember(user)
        return user
      })()
      inflight.set(sub, lookup)
      try {
        return await lookup
      } finally {
        inflight.delete(sub)
      }
    },
    /** The user with this handle (case-insensitive), or null. Not cached: handles can change hands. */
    async byHandle(handle: string, requestId?: string): Promise<InternalUser | null> {
      const res = await call('GET', `/internal/users/by-handle/${encodeURIComponent(handle)}`, requestId)
      if (res.status === 404 || res.status === 400) return null
      if (res.status !== 200) throw unavailable(new Error(`by-handle ${res.status}`))
      const user = res.json as InternalUser
      remember(user)
      return user
    },
    /** Several users by uuid (one call for the ones not cached); unknown uuids are absent. */
    async byUuids(uuids: string[], requestId?: string): Promise<Map<string, InternalUser>> {
      const found = new Map<string, InternalUser>()
      const missing: string[] = []
      for (const uuid of new Set(uuids)) {
        const hit = cache.get(`uuid:${uuid}`)
        if (hit) found.set(uuid, hit)
        else missing.push(uuid)
      }
      for (let i = 0; i < missing.length; i += 100) {
        const res = await call('POST', '/internal/users/batch', requestId, {
          uuids: missing.slice(i, i + 100),
        })
        if (res.status !== 200) throw unavailable(new Error(`batch ${res.status}`))
        for (const user of (res.json as UsersByUuidsResponse).users) {
          remember(user)
          found.set(user.uuid, user)
        }
      }
      return found
    },
  }
}

export type UserServiceClient = UserDirectory
