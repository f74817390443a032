import { environment } from '@cruddur/service-kit'
import type { PostConfirmationEvent } from '@cruddur/types'

/**
 * The thin Lambda adapter for Cognito's PostConfirmation trigger: it forwards the event to
 * `POST /internal/cognito/post-confirmation` and returns what the service echoes. Anything but
 * a 200 throws, which makes Cognito report the confirmation as failed (so nobody ends up
 * confirmed in Cognito but missing from the directory without anyone noticing).
 * Needs USER_SERVICE_URL and INTERNAL_TOKEN.
 */
export function createPostConfirmationHandler(
  env: Record<string, unknown> = environment(),
  timeoutMs = 4_000,
) {
  const base = String(env.USER_SERVICE_URL ?? '')
  const token = String(env.INTERNAL_TOKEN ?? '')
  if (!/^https?:\/\//.test(base) || !token) throw new Error('USER_SERVICE_URL and INTERNAL_TOKEN must be set')
  const url = new URL('/internal/cognito/post-confirmation', base)
  return async function handler(event: PostConfirmationEvent): Promise<PostConfirmationEvent> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': token },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const body = await res.text()
    if (res.status !== 200) throw new Error(`user-service answered ${res.status}: ${body.slice(0, 300)}`)
    return JSON.parse(body) as PostConfirmationEvent
  }
}
