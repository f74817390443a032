import { randomBytes } from 'node:crypto'
import { localCognitoClient } from '@cruddur/local-stack'
import { createCognitoPerson, registerPerson, signInPerson, uniqueSuffix } from '@cruddur/local-stack/testing'
import type { InternalUser } from '@cruddur/types'
import type { SystemUnderTest } from './system.js'

export const newPassword = () => `Web-${randomBytes(9).toString('base64url')}-1a!`

export interface Person {
  handle: string
  displayName: string
  email: string
  password: string
  uuid: string
  accessToken: string
}

/**
 * A person as production makes one: a confirmed Cognito user whose username is their e-mail
 * (the pool signs people in by e-mail), then the PostConfirmation event to user-service, which
 * puts them in the directory. Handles are unique per run: the Cognito pool is shared.
 */
export async function createPerson(
  sys: SystemUnderTest,
  prefix: string,
  displayName: string,
  password = newPassword(),
): Promise<Person> {
  const { facts } = sys
  const handle = `${prefix}_${uniqueSuffix()}`
  const email = `${handle}@example.test`
  const cognito = localCognitoClient(facts.cognito.endpoint, facts.region)
  try {
    const person = { handle, email, name: displayName, password }
    const { sub } = await createCognitoPerson(cognito, facts, person)
    const { accessToken } = await signInPerson(cognito, facts, email, password)
    const user = await registerPerson<InternalUser>(sys.userServiceUrl, facts, { ...person, sub })
    return { handle, displayName, email, password, uuid: user.uuid, accessToken }
  } finally {
    cognito.destroy()
  }
}

/** A message sent through the API as `from` (to seed what the page should then show). */
export async function sendAs(
  sys: SystemUnderTest,
  from: Person,
  target: { handle: string } | { message_group_uuid: string },
  message: string,
) {
  const res = await fetch(`${sys.messagingServiceUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${from.accessToken}` },
    body: JSON.stringify({ message, ...target }),
  })
  if (res.status !== 200) throw new Error(`send answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as { message_group_uuid: string; uuid: string; created_at: string }
}
