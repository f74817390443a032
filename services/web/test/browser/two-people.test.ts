import type { Page } from 'playwright-core'
import t from 'tap'
import { artifacts, collectErrors, launch, requireChromium, screen } from '../lib/browser.js'
import { focusByTab, groupLines, messageTexts, signIn, until } from '../lib/page.js'
import { startSystem } from '../lib/system.js'
import { createPerson, newPassword, sendAs } from '../lib/users.js'

requireChromium(t)

const shots = artifacts('two-people')
const sys = await startSystem(t)
const password = newPassword()
const [ana, ben] = await Promise.all([
  createPerson(sys, 'ana', 'Ana Alvarez', password),
  createPerson(sys, 'ben', 'Ben Brooks', password),
])
if (!ana || !ben) throw new Error('people were not created')
const first = await sendAs(sys, ben, { handle: ana.handle }, 'Hi Ana, Ben here.')
const url = await sys.startGateway({ password, accounts: [{ handle: ana.handle, email: ana.email }] })
const browser = await launch(t)
const pageErrors: string[] = []
async function person(viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC' })
  const page = await context.newPage()
  collectErrors(page, pageErrors)
  return page
}
// Ana on a desktop, Ben on a 360 px phone: two browser contexts, two people.
const anaPage = await person({ width: 1280, height: 800 })
const benPage = await person({ width: 360, height: 740 })
const ticketAsks: number[] = []
// When each ticket request was answered: the wait before the next one starts there, so a slow
// answer on a loaded machine does not count as backoff.
const ticketAnswers: number[] = []
const isTicket = (r: { url(): string }) => r.url().endsWith('/api/stream/ticket')
anaPage.on('request', (r) => {
  if (isTicket(r)) ticketAsks.push(Date.now())
})
anaPage.on('requestfinished', (r) => {
  if (isTicket(r)) ticketAnswers.push(Date.now())
})
anaPage.on('requestfailed', (r) => {
  if (isTicket(r)) ticketAnswers.push(Date.now())
})

const noSideScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)

t.test('Ana signs in from the demo list and opens the conversation with the keyboard only', async (t) => {
  await anaPage.goto(url)
  await anaPage.getByRole('button', { name: `Sign in as @${ana.handle} (${ana.email})` }).click()
  await anaPage.locator('ul.groups a.group').first().waitFor()
  const link = anaPage.locator(`a.group[data-uuid="${first.message_group_uuid}"]`)
  await focusByTab(anaPage, link, 'the conversation link')
  await anaPage.keyboard.press('Enter')
  await until(
    'the conversation open',
    async () => (await messageTexts(anaPage)).at(-1) === 'Hi Ana, Ben here.',
  )
  const composer = anaPage.getByRole('textbox', { name: 'Message' })
  await focusByTab(anaPage, composer, 'the composer')
  await anaPage.keyboard.type('Typed without a mouse')
  await anaPage.keyboard.press('Enter')
  await until('sent', async () => (await messageTexts(anaPage)).at(-1) === 'Typed without a mouse')
  t.pass('list, conversation and composer are reachable and usable by keyboard')
  await screen(t, anaPage, shots, 'ana-desktop')
})

t.test('Ben on a 360 px screen: the list, then the conversation instead of it', async (t) => {
  await benPage.goto(url)
  t.ok(await noSideScroll(benPage), 'sign-in fits 360 px')
  await screen(t, benPage, shots, 'ben-sign-in-360')
  await signIn(benPage, ben.email, password)
  await until(
    'the list',
    async () => (await groupLines(benPage))[0] === `@${ana.handle}: Typed without a mouse`,
  )
  t.ok(await noSideScroll(benPage), 'the list fits 360 px')
  await screen(t, benPage, shots, 'ben-list-360')
  await benPage.locator('a.group').first().click()
  await until(
    'the conversation',
    async () => (await messageTexts(benPage)).at(-1) === 'Typed without a mouse',
  )
  t.notOk(await benPage.locator('nav.sidebar').isVisible(), 'the list makes room for the conversation')
  t.ok(await benPage.getByRole('link', { name: '← Conversations' }).isVisible(), 'a way back')
  t.ok(await noSideScroll(benPage), 'the conversation fits 360 px')
  await screen(t, benPage, shots, 'ben-conversation-360')
})

t.test('one sends, the other sees it after a reload, once', async (t) => {
  await anaPage.getByRole('textbox', { name: 'Message' }).fill('Lunch at noon?')
  await anaPage.getByRole('textbox', { name: 'Message' }).press('Enter')
  await until('Ana sees her message', async () => (await messageTexts(anaPage)).at(-1) === 'Lunch at noon?')
  await benPage.reload()
  await until('Ben sees it', async () => (await messageTexts(benPage)).at(-1) === 'Lunch at noon?')
  t.equal((await messageTexts(benPage)).filter((m) => m === 'Lunch at noon?').length, 1, 'once')
  t.same(await messageTexts(benPage), ['Hi Ana, Ben here.', 'Typed without a mouse', 'Lunch at noon?'])
  await benPage.getByRole('link', { name: '← Conversations' }).click()
  await until('Ben’s list', async () => (await groupLines(benPage))[0] === `@${ana.handle}: Lunch at noon?`)
  await screen(t, benPage, shots, 'ben-after-reload-360')
})

t.test('without a stream on the server, the page says so and backs off', async (t) => {
  const ticket = await fetch(`${sys.messagingServiceUrl}/api/stream/ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ana.accessToken}`, 'content-type': 'application/json' },
    body: '{}',
  })
  if (ticket.status !== 404) {
    // The server has a stream: the page must be live instead.
    await until('live', async () => (await anaPage.getByRole('status').textContent()) === 'Live')
    return
  }
  await until('four tries', async () => ticketAsks.length >= 4, 30_000)
  t.equal(await anaPage.getByRole('status').textContent(), 'Reconnecting…', 'a visible reconnecting state')
  const gaps = ticketAsks.slice(1).map((at, i) => at - (ticketAnswers[i] ?? at))
  for (let i = 1; i < gaps.length; i++) {
    t.ok(
      (gaps[i] ?? 0) >= (gaps[i - 1] ?? 0) - 100,
      `retry ${i + 1} waits at least as long as retry ${i} (${gaps})`,
    )
  }
  t.same(pageErrors, [], 'and nothing broke')
})
