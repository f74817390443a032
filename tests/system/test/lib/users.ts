import { randomBytes } from 'node:crypto'
import { inPool, localCognitoClient } from '@cruddur/local-stack'
import { createCognitoPerson, registerPerson, signInPerson } from '@cruddur/local-stack/testing'
import { type System, type SystemOptions, startSystem } from './system.js'

export interface TestUser {
  handle: string
  displayName: string
  email: string
  sub: string
  password: string
  accessToken: string
  idToken: string
}

/** Every secret a test handed out, for the log scan (no token or password may be logged). */
export const secrets = new Set<string>()

export async function signIn(system: System, username: string, password: string) {
  const client = localCognitoClient(system.facts.cognito.endpoint, system.facts.region)
  try {
    const { accessToken, idToken } = await signInPerson(client, system.facts, username, password)
    if (!idToken) throw new Error(`no id token for ${username}`)
    secrets.add(accessToken)
    secrets.add(idToken)
    return { accessToken, idToken }
  } finally {
    client.destroy()
  }
}

/**
 * Signs users up the way production does: a confirmed Cognito user (cognito-local), the
 * PostConfirmation event delivered to user-service (which inserts the row), then a
 * USER_PASSWORD_AUTH sign-in for the tokens the web client would hold.
 */
export async function createUsers(system: System, prefix: string, count: number): Promise<TestUser[]> {
  const suffix = randomBytes(3).toString('hex')
  const client = localCognitoClient(system.facts.cognito.endpoint, system.facts.region)
  try {
    const names = Array.from({ length: count }, (_, i) => `${prefix}${i}_${suffix}`)
    return await inPool(names, 4, async (handle) => {
      const password = `Sys-${randomBytes(9).toString('base64url')}-1!`
      secrets.add(password)
      const email = `${handle}@example.test`
      const displayName = `System ${handle}`
      const person = { handle, email, name: displayName, password }
      const { sub } = await createCognitoPerson(client, system.facts, person)
      await registerPerson(system.facts.userService.url, system.facts, { ...person, sub })
      const tokens = await signIn(system, email, password)
      return { handle, displayName, email, sub, password, ...tokens }
    })
  } finally {
    client.destroy()
  }
}

/**
 * A system of its own for one test file, stopped in its teardown, with people named as the file
 * calls them (each a real sign-up and sign-in, `<prefix><i>_<suffix>`).
 */
export async function systemWithPeople<N extends string>(
  t: { teardown(fn: () => unknown): void },
  name: string,
  prefix: string,
  names: readonly N[],
  options: SystemOptions = {},
): Promise<{ system: System; people: Record<N, TestUser> }> {
  const system = await startSystem(name, options)
  t.teardown(() => system.stop())
  const created = await createUsers(system, prefix, names.length)
  const people = Object.fromEntries(names.map((n, i) => [n, created[i]])) as Record<N, TestUser>
  return { system, people }
}
