import type { ErrorBody } from '@cruddur/types'
import { errorWords } from './error-words.js'

/** An API answer that was not a success, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly codes: string[],
  ) {
    super(errorWords(codes, status))
    this.name = 'ApiError'
  }

  has(code: string): boolean {
    return this.codes.includes(code)
  }
}

export interface ApiResponse<T> {
  data: T
  headers: Headers
  status: number
}

export interface RequestOptions {
  method?: 'GET' | 'POST'
  body?: unknown
  headers?: Record<string, string>
  token?: string
  signal?: AbortSignal
}

async function errorCodes(res: Response): Promise<string[]> {
  try {
    const body = (await res.json()) as Partial<ErrorBody>
    return Array.isArray(body.errors) ? body.errors.filter((c) => typeof c === 'string') : []
  } catch {
    return []
  }
}

/**
 * One request to the page's own origin (`/api/...`): the gateway forwards it, so no CORS and no
 * base URL. A failed fetch (offline, connection reset) becomes ApiError(0, ['network']).
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError(0, ['network'])
  }
  if (!res.ok) throw new ApiError(res.status, await errorCodes(res))
  const data = (res.status === 204 ? undefined : await res.json()) as T
  return { data, headers: res.headers, status: res.status }
}
