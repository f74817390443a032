/**
 * Live, in two browsers at once (two people), against the real system with its stream: a
 * message reorders the other person's list and shows a badge without a reload; opening it
 * clears the badge and the sender sees "Seen"; typing shows; the stream cut (the
 * messaging-service stopped and started again) while messages are sent: after the page
 * reconnects they are all there, once each.
 */
import type { Page } from 'playwright-core'
import t from 'tap'
import { artifacts, collectErrors, launch, requireChromium, screen } from '../lib/browser.js'
import { groupLines, messageTexts, signIn, until } from '../lib/page.js'
import { startSystem } from '../lib/system.js'
import { createPerson, newPassword, sendAs } from '../lib/users.js'

requireChromium(t)

const shots = artifacts('live')
const sys = await startSystem(t)
const password = newPassword()
const [ana, ben, cleo] = await Promise.all([
  createPerson(sys, 'lvana', 'Ana Alvarez', password),
  createPerson(sys, 'lvben', 'Ben Brooks', password),
  createPerson(sys, 'lvcleo', 'Cleo Chen', password),
])
if (!ana || !ben || !cleo) throw new Error('people were not created')
// Ben has two conversations: Ana's (older) and Cleo's (newer, on top).
const withAna = await sendAs(sys, ana, { handle: ben.handle }, 'Hello Ben')
await sendAs(sys, cleo, { handle: ben.handle }, 'Hi from Cleo')
const url = await sys.startGateway()
const browser = await launch(t)
const pageErrors: string[] = []
async function person() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' })
  const page = await context.newPage()
  collectErrors(page, pageErrors)
  return page
}
const anaPage = await person()
const benPage = await person()
const status = (page: Page) => page.getByRole('status').textContent()
const badgeOf = (page: Page, group: string) => page.locator(`a.group[data-uuid="${group}"] .badge`)

t.test('both signed in and live', async (t) => {
  for (const [page, who] of [
    [anaPage, ana],
    [benPage, ben],
  ] as const) {
    await page.goto(url)
    await signIn(page, who.email, password)
    await until(`${who.handle} live`, async () => (await status(page)) === 'Live')
  }
  await anaPage.locator(`a.group[data-uuid="${withAna.message_group_uuid}"]`).click()
  await until('Ana in the conversation', async () => (await messageTexts(anaPage)).at(-1) === 'Hello Ben')
  t.same(
    (await groupLines(benPage)).map((l) => l.split(':')[0]),
    [`@${cleo.handle}`, `@${ana.handle}`],
    "Ben's list: Cleo's conversation on top",
  )
})

t.test("a message moves the other person's list and shows a badge, without a reload", async (t) => {
  await anaPage.getByRole('textbox', { name: 'Message' }).fill('Are you there?')
  await anaPage.getByRole('textbox', { name: 'Message' }).press('Enter')
  await until(
    "Ben's list reordered",
    async () => (await groupLines(benPage))[0] === `@${ana.handle}: Are you there?`,
    15_000,
  )
  await until('the badge', async () => (await badgeOf(benPage, withAna.message_group_uuid).count()) === 1)
  t.equal(
    ((await badgeOf(benPage, withAna.message_group_uuid).textContent()) ?? '').replace(/\s+/g, ' ').trim(),
    '2 unread',
    "two of Ana's messages unread (the first one and this one)",
  )
  await screen(t, benPage, shots, 'ben-list-live-badge')
})

t.test('opening it clears the badge, and the sender sees "Seen"', async (t) => {
  await benPage.locator(`a.group[data-uuid="${withAna.message_group_uuid}"]`).click()
  await until('Ben reads it', async () => (await messageTexts(benPage)).at(-1) === 'Are you there?')
  await until('no badge', async () => (await badgeOf(benPage, withAna.message_group_uuid).count()) === 0)
  await until(
    '"Seen" under Ana\'s last message',
    async () => (await anaPage.locator('.seen').count()) === 1,
    15_000,
  )
  t.equal(await anaPage.locator('li.message.mine').last().locator('.seen').textContent(), 'Seen')
  await screen(t, anaPage, shots, 'ana-seen')
})

t.test('typing shows on the other side', async (t) => {
  await benPage.getByRole('textbox', { name: 'Message' }).pressSequentially('Yes, one sec', { delay: 30 })
  await until(
    'Ana sees Ben typing',
    async () => ((await anaPage.locator('.typing').textContent()) ?? '').includes(ben.handle),
    10_000,
  )
  t.match(await anaPage.locator('.typing').textContent(), /is typing/)
  await screen(t, anaPage, shots, 'ana-sees-typing')
  await benPage.getByRole('textbox', { name: 'Message' }).press('Enter')
  await until('Ana gets it', async () => (await messageTexts(anaPage)).at(-1) === 'Yes, one sec', 15_000)
})

t.test('the stream cut while messages are sent: after reconnecting they are there, once each', async (t) => {
  await sys.stop('messaging-service')
  await until('Ana reconnecting', async () => (await status(anaPage)) === 'Reconnecting…', 15_000)
  await screen(t, anaPage, shots, 'ana-reconnecting')
  // Ana's page stays away until the messages are sent: only the resume can bring them.
  const streamRequest = /\/api\/stream\?/
  await anaPage.route(streamRequest, (route) => route.abort())
  await sys.start('messaging-service')
  const missed = ['missed one', 'missed two', 'missed three']
  for (const text of missed) await sendAs(sys, ben, { message_group_uuid: withAna.message_group_uuid }, text)
  t.equal(await status(anaPage), 'Reconnecting…', 'still away while they were sent')
  t.notOk((await messageTexts(anaPage)).includes('missed one'), 'and none of them shown yet')
  await anaPage.unroute(streamRequest)
  await until('Ana live again', async () => (await status(anaPage)) === 'Live', 30_000)
  await until(
    'the missed messages',
    async () => (await messageTexts(anaPage)).at(-1) === 'missed three',
    15_000,
  )
  const texts = await messageTexts(anaPage)
  for (const text of missed) t.equal(texts.filter((m) => m === text).length, 1, `"${text}" once`)
  t.same(texts.slice(-3), missed, 'in the order they were sent')
  await screen(t, anaPage, shots, 'ana-after-reconnect')
})

t.test('the pages raised no script errors', async (t) => {
  t.same(pageErrors, [])
})
