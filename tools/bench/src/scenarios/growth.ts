/**
 * Scenario 10: cost that does not grow with the work. Through the running messaging-service, at
 * concurrency 1, the same call on a big and a small instance of the same thing:
 *   1. the first page of a conversation of BENCH_GROWTH_MESSAGES (100,000) messages vs. one of 100;
 *   2. the 50th page of the big conversation (its cursor found by walking the pages with the
 *      API's own x-next-cursor) vs. the last page of the small one (also a cursor page);
 *   3. the conversation list of a user with BENCH_GROWTH_CONVERSATIONS (5,000) conversations vs.
 *      a user with 100.
 * Each pair: a warm-up of both, then small, big, big, small (half the duration each) so drift on
 * a shared machine hits both alike. Every timed answer is checked (200 and the page size
 * expected), so an error never counts as a fast answer. Seeding: growth-seed.ts.
 */
import { randomUUID } from 'node:crypto'
import { createDocumentClient, createDynamoClient } from '@cruddur/dynamodb'
import { demoAccessToken, localCognitoClient, type StackFacts } from '@cruddur/local-stack'
import { createCognitoPerson, registerPerson, signInPerson } from '@cruddur/local-stack/testing'
import type { Person } from '@cruddur/messaging-service/conversations'
import type { Harness } from '../harness.js'
import { callLoad, type LoadRun, mergeRuns } from '../load.js'
import { inParallel, lastPage, PAGE } from '../paging.js'
import { type LoadSummary, ratio } from '../stats.js'
import { seedConversation, seedConversations } from './growth-seed.js'

/** The service's page size when no ?limit= is given. */
/** The small side of every pair, as the goal names it. */
const SMALL = 100
/** The goal: the big call within this factor of the small one. */
export const GROWTH_GOAL = 1.2

export interface GrowthPair {
  what: string
  big: string
  small: string
  bigRun: LoadSummary
  smallRun: LoadSummary
  /** big ÷ small, medians and means. */
  p50Ratio: number | null
  meanRatio: number | null
}

export interface GrowthResult {
  /** Big ÷ small should stay within this. */
  goal: number
  messages: number
  conversations: number
  seedSeconds: { messages: number; people: number; conversations: number }
  pairs: GrowthPair[]
}

interface Options {
  messages: number
  conversations: number
  durationS: number
  warmupS: number
  print: (line: string) => void
}

const seconds = (t0: number) => Math.round((Date.now() - t0) / 100) / 10

/** A page of a list as the API answers it: the items and the next page's cursor. */
async function getPage(url: string, token: string, cursor?: string) {
  const res = await fetch(cursor ? `${url}?cursor=${encodeURIComponent(cursor)}` : url, {
    headers: { authorization: `Bearer ${token}` },
  })
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`)
  const items = (await res.json()) as unknown[]
  if (!Array.isArray(items)) throw new Error(`GET ${url}: not a list`)
  return { items, next: res.headers.get('x-next-cursor') ?? undefined }
}

/** The cursor that fetches page `page` (1 = no cursor), walking the pages before it. */
async function cursorOf(url: string, token: string, page: number): Promise<string | undefined> {
  let cursor: string | undefined
  for (let p = 1; p < page; p++) {
    cursor = (await getPage(url, token, cursor)).next
    if (!cursor) throw new Error(`${url} has no page ${p + 1}`)
  }
  return cursor
}

/** One timed call: the page, checked (status and size) so a failure is never a fast answer. */
const checkedCall = (url: string, token: string, size: number, cursor?: string) => async () => {
  const { items } = await getPage(url, token, cursor)
  if (items.length !== size) throw new Error(`GET ${url} answered ${items.length} items, expected ${size}`)
}

/** Small, big, big, small, half the duration each, after a warm-up of both; the halves merged. */
async function comparePair(
  big: () => Promise<void>,
  small: () => Promise<void>,
  { durationS, warmupS }: Pick<Options, 'durationS' | 'warmupS'>,
) {
  const run = (call: () => Promise<void>, s: number) => callLoad(call, { concurrency: 1, durationS: s })
  await run(small, warmupS)
  await run(big, warmupS)
  const runs: { big: LoadRun[]; small: LoadRun[] } = { big: [], small: [] }
  for (const side of ['small', 'big', 'big', 'small'] as const)
    runs[side].push(await run(side === 'big' ? big : small, durationS / 2))
  const [b, s] = [mergeRuns(runs.big), mergeRuns(runs.small)]
  return { bigRun: b, smallRun: s, p50Ratio: ratio(b.p50Ms, s.p50Ms), meanRatio: ratio(b.meanMs, s.meanMs) }
}

/** Someone who signs in (a Cognito account and a directory row), with their token. */
async function signedInPerson(facts: StackFacts, handle: string): Promise<{ person: Person; token: string }> {
  const client = localCognitoClient(facts.cognito.endpoint, facts.region)
  try {
    const spec = { handle, email: `${handle}@example.com`, name: `Growth ${handle}` }
    const { sub } = await createCognitoPerson(client, facts, { ...spec, password: facts.demoPassword })
    const person = await registerPerson<Person>(facts.userService.url, facts, { ...spec, sub })
    const { accessToken } = await signInPerson(client, facts, spec.email, facts.demoPassword)
    return { person, token: accessToken }
  } finally {
    client.destroy()
  }
}

/** Someone in the directory only (post-confirmation), as the other side of a conversation. */
const directoryPerson = (facts: StackFacts, handle: string) =>
  registerPerson<Person>(facts.userService.url, facts, {
    handle,
    email: `${handle}@example.com`,
    name: `Growth ${handle}`,
    sub: randomUUID(),
  })

export async function measureGrowth(h: Harness, options: Options): Promise<GrowthResult> {
  const { facts } = h
  const { print } = options
  const messages = Math.max(options.messages, SMALL)
  const conversations = Math.max(options.conversations, SMALL)
  const api = facts.messagingService.url
  const reader = facts.demoUsers[0] ?? 'andrewbrown'
  const token = await demoAccessToken(facts, reader)
  const meRes = await fetch(`${facts.userService.url}/api/users/@${reader}/short`)
  if (meRes.status !== 200) throw new Error(`the uuid of @${reader}: HTTP ${meRes.status}`)
  const me = (await meRes.json()) as Person
  // Seeding goes straight to DynamoDB Local, not through the counting proxy.
  const client = createDynamoClient({ region: facts.region, endpoint: h.engineEndpoint })
  const doc = createDocumentClient(client)
  const table = facts.dynamodb.table
  const sfx = randomUUID().slice(0, 6)
  try {
    let t0 = Date.now()
    const [bigPartner, smallPartner] = [
      await directoryPerson(facts, `growthbig${sfx}`),
      await directoryPerson(facts, `growthsmall${sfx}`),
    ]
    const seeded: Record<'big' | 'small', string> = { big: '', small: '' }
    for (const [side, n, partner] of [
      ['big', messages, bigPartner],
      ['small', SMALL, smallPartner],
    ] as const) {
      const s = await seedConversation(doc, table, me, partner, n, (stored) =>
        print(`  conversation of ${n}: ${stored} messages stored (${seconds(t0)} s)`),
      )
      // The last message through the service: it builds on the entries the seeding left.
      const res = await fetch(`${api}/api/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message_group_uuid: s.conversationUuid, message: `Growth message ${n}` }),
      })
      if (res.status !== 200)
        throw new Error(`the last message of ${n}: HTTP ${res.status} ${await res.text()}`)
      seeded[side] = s.conversationUuid
    }
    const messagesSeconds = seconds(t0)
    print(`  conversations of ${messages} and ${SMALL} messages seeded in ${messagesSeconds} s`)

    t0 = Date.now()
    const [bigOwner, smallOwner] = [
      await signedInPerson(facts, `growthlist${sfx}big`),
      await signedInPerson(facts, `growthlist${sfx}small`),
    ]
    const others: Person[] = new Array(conversations)
    let registered = 0
    await inParallel(conversations, 8, async (i) => {
      others[i] = await directoryPerson(facts, `growth${sfx}p${i}`)
      if (++registered % 1_000 === 0) print(`  ${registered} people registered (${seconds(t0)} s)`)
    })
    const peopleSeconds = seconds(t0)
    print(`  ${conversations} people registered through post-confirmation in ${peopleSeconds} s`)
    t0 = Date.now()
    for (const [owner, n] of [
      [bigOwner, conversations],
      [smallOwner, SMALL],
    ] as const)
      await seedConversations(doc, table, owner.person, others.slice(0, n), (done) =>
        print(`  @${owner.person.handle}: ${done}/${n} conversations (${seconds(t0)} s)`),
      )
    const conversationsSeconds = seconds(t0)
    print(`  conversations of ${conversations} and ${SMALL} seeded in ${conversationsSeconds} s`)

    const url = (uuid: string) => `${api}/api/messages/${uuid}`
    const bigPage = Math.min(50, lastPage(messages).page)
    const small = lastPage(SMALL)
    const [bigCursor, smallCursor] = [
      await cursorOf(url(seeded.big), token, bigPage),
      await cursorOf(url(seeded.small), token, small.page),
    ]
    const pairs: GrowthPair[] = []
    const measure = async (
      what: string,
      [big, small]: [string, string],
      calls: [() => Promise<void>, () => Promise<void>],
    ) => {
      print(`  ${what}: ${big} vs. ${small}`)
      const pair = { what, big, small, ...(await comparePair(calls[0], calls[1], options)) }
      print(
        `    big p50 ${pair.bigRun.p50Ms} ms, small p50 ${pair.smallRun.p50Ms} ms: ${pair.p50Ratio}× ` +
          `(errors ${pair.bigRun.errors}/${pair.smallRun.errors})`,
      )
      pairs.push(pair)
    }
    print('scenario 10: cost that does not grow with the work (c=1)')
    await measure(
      'first page of a conversation',
      [`${messages} messages`, `${SMALL} messages`],
      [checkedCall(url(seeded.big), token, PAGE), checkedCall(url(seeded.small), token, PAGE)],
    )
    await measure(
      'a cursor page of a conversation',
      [`page ${bigPage} of ${messages} messages`, `page ${small.page} (last) of ${SMALL} messages`],
      [
        checkedCall(url(seeded.big), token, PAGE, bigCursor),
        checkedCall(url(seeded.small), token, small.size, smallCursor),
      ],
    )
    const groups = `${api}/api/message_groups`
    await measure(
      'conversation list, first page',
      [`user with ${conversations} conversations`, `user with ${SMALL} conversations`],
      [checkedCall(groups, bigOwner.token, PAGE), checkedCall(groups, smallOwner.token, PAGE)],
    )
    return {
      goal: GROWTH_GOAL,
      messages,
      conversations,
      seedSeconds: { messages: messagesSeconds, people: peopleSeconds, conversations: conversationsSeconds },
      pairs,
    }
  } finally {
    client.destroy()
  }
}
