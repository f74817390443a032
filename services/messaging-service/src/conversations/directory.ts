import type { InternalUser } from '@cruddur/types'
import { CallerNotRegisteredError } from './errors.js'
import type { Person } from './message.js'

/**
 * Who people are, as the conversations need to know: the user directory (user-service over HTTP
 * in production). Lookups that find nobody answer null; an outage throws DependencyUnavailableError.
 */
export interface UserDirectory {
  bySub(sub: string, requestId?: string): Promise<InternalUser | null>
  byHandle(handle: string, requestId?: string): Promise<InternalUser | null>
  byUuids(uuids: string[], requestId?: string): Promise<Map<string, InternalUser>>
}

/** Who is asking: the directory's record of this Cognito sub, or CallerNotRegisteredError. */
export async function callerOf(
  directory: UserDirectory,
  sub: string,
  requestId?: string,
): Promise<InternalUser> {
  const user = await directory.bySub(sub, requestId)
  if (!user) throw new CallerNotRegisteredError()
  return user
}

/** Someone removed from the directory still appears in old conversations. */
const UNKNOWN_PERSON = { display_name: 'Unknown user', handle: 'unknown' }

/** One line of either list: an id, a person (or "Unknown user" when deleted) and a message with its time. */
export function line(
  uuid: string,
  person: Pick<Person, 'display_name' | 'handle'> | undefined,
  message: string,
  created_at: string,
) {
  const { display_name, handle } = person ?? UNKNOWN_PERSON
  return { uuid, display_name, handle, message, created_at }
}
