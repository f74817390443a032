import { gzipSync } from 'node:zlib'
import t from 'tap'
import { artifacts, collectErrors, launch, requireChromium, screen } from '../lib/browser.js'
import { groupLines, inViewOf, messageTexts, signIn, until } from '../lib/page.js'
import { seedConversation } from '../lib/seed.js'
import { startSystem } from '../lib/system.js'
import { createPerson, newPassword, sendAs } from '../lib/users.js'

requireChromium(t)

const shots = artifacts('conversation')
const sys = await startSystem(t)
const password = newPassword()
const [ana, ben, cleo, dev] = await Promise.all([
  createPerson(sys, 'ana', 'Ana Alvarez', password),
  createPerson(sys, 'ben', 'Ben Brooks', password),
  createPerson(sys, 'cleo', 'Cleo Chen'),
  createPerson(sys, 'dev', 'Dev Desai'),
])
if (!ana || !ben || !cleo || !dev) throw new Error('people were not created')
// 45 messages across a New Year with Ben (three pages), then a newer one from Cleo.
const seeded = await seedConversation(sys, ana, ben, 45)
await sendAs(sys, cleo, { handle: ana.handle }, 'Lunch on Friday?')

const url = await sys.startGateway({
  password,
  accounts: [
    { handle: ana.handle, email: ana.email },
    { handle: ben.handle, email: ben.email },
  ],
})
const browser = await launch(t)
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' })
const page = await context.newPage()
const pageErrors: string[] = []
collectErrors(page, pageErrors)

/** Ana's messages with Ben as the API has them (to check what the page did). */
async function storedTexts() {
  const res = await fetch(`${sys.messagingServiceUrl}/api/messages/${seeded.conversationUuid}?limit=5`, {
    headers: { authorization: `Bearer ${ben.accessToken}` },
  })
  return ((await res.json()) as Array<{ message: string }>).map((m) => m.message)
}

const timings: Record<string, number> = {}

/** The page's scripts as the gateway sent them on the first visit. */
interface Script {
  path: string
  bytes: number
  gzipBytes: number
  cacheControl: string | undefined
}
const scripts: Array<Promise<Script>> = []
page.on('response', (res) => {
  const { pathname } = new URL(res.url())
  if (!pathname.endsWith('.js')) return
  scripts.push(
    res.body().then((body) => ({
      path: pathname,
      bytes: body.length,
      gzipBytes: gzipSync(body, { level: 9 }).length,
      cacheControl: res.headers()['cache-control'],
    })),
  )
})
/** Issue 13's budget for the JavaScript the page sends, gzipped. */
const JS_BUDGET_BYTES = 150 * 1024
let documentHeaders: Record<string, string> = {}

t.test('the sign-in screen lists the demo accounts', async (t) => {
  const started = Date.now()
  documentHeaders = (await page.goto(url))?.headers() ?? {}
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  timings.signInScreenUsableMs = Date.now() - started
  const nav = await page.evaluate(() => {
    const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]
    return entry ? { domContentLoaded: entry.domContentLoadedEventEnd, load: entry.loadEventEnd } : null
  })
  if (nav) Object.assign(timings, { domContentLoadedMs: nav.domContentLoaded, loadMs: nav.load })
  const demo = page.getByRole('region', { name: 'Demo accounts' })
  t.ok(await demo.getByRole('button', { name: `Sign in as @${ana.handle} (${ana.email})` }).isVisible())
  t.ok(await demo.getByRole('button', { name: `Sign in as @${ben.handle} (${ben.email})` }).isVisible())
  await screen(t, page, shots, 'sign-in')
})

t.test('the page comes from the gateway within its budgets, under its CSP', async (t) => {
  t.match(documentHeaders['content-security-policy'], /script-src 'self'/, 'the page runs under the CSP')
  t.equal(documentHeaders['cache-control'], 'no-cache', 'index.html is revalidated')
  // The browser enforces it, and a refusal is reported (so "no script errors" below would see one).
  const before = pageErrors.length
  const ran = await page.evaluate(async () => {
    const inline = document.createElement('script')
    inline.textContent = 'window.__inlineRan = true'
    document.head.append(inline)
    await new Promise((r) => setTimeout(r, 100))
    return '__inlineRan' in window
  })
  t.notOk(ran, 'an injected inline script does not run')
  await until('the refusal reported', async () => pageErrors.length > before, 5_000)
  t.match(pageErrors.splice(before).join('\n'), /Content Security Policy/, 'reported as a CSP refusal')
  const sent = await Promise.all(scripts)
  t.ok(sent.length > 0, 'the page loaded its scripts')
  for (const s of sent) {
    t.match(s.path, /^\/assets\/[\w-]+\.js$/, `${s.path}: a hashed asset`)
    t.equal(s.cacheControl, 'public, max-age=31536000, immutable', `${s.path}: cached for good`)
  }
  const gzip = sent.reduce((sum, s) => sum + s.gzipBytes, 0)
  const raw = sent.reduce((sum, s) => sum + s.bytes, 0)
  Object.assign(timings, { jsGzipBytes: gzip, jsBytes: raw })
  t.comment(
    `JavaScript: ${sent.length} file(s), ${(gzip / 1024).toFixed(1)} KB gzipped ` +
      `(${(raw / 1024).toFixed(1)} KB as sent) of a ${JS_BUDGET_BYTES / 1024} KB budget`,
  )
  // How fast the first screen is usable is a timing: `pnpm bench` measures it (scenario 8), a
  // test does not (a loaded machine would fail it for nothing). The size is no timing.
  t.ok(gzip <= JS_BUDGET_BYTES, `${gzip} bytes gzipped ≤ ${JS_BUDGET_BYTES}`)
})

t.test('a wrong password is refused in words', async (t) => {
  await page.getByLabel('E-mail').fill(ana.email)
  await page.getByLabel('Password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await until('the refusal', async () => (await page.getByRole('alert').first().textContent()) !== '')
  t.equal(await page.getByRole('alert').first().textContent(), 'Wrong e-mail or password.')
})

t.test('signing in by e-mail shows my conversations, most recent first', async (t) => {
  const started = Date.now()
  await signIn(page, ana.email, password)
  await page.locator('ul.groups a.group').nth(1).waitFor()
  timings.conversationListAfterSignInMs = Date.now() - started
  t.ok(await page.getByText(`@${ana.handle}`, { exact: true }).isVisible(), 'my handle is shown')
  const lines = await groupLines(page)
  t.same(lines, [`@${cleo.handle}: Lunch on Friday?`, `@${ben.handle}: ${lines[1]?.split(': ')[1]}`])
  t.match(lines[1], /\(#45\)$/, 'the other conversation shows its last message')
  // The server now counts unread messages: a badge is a positive count, at most one per conversation.
  const badges = await page.locator('.badge').allTextContents()
  t.ok(badges.length <= lines.length, 'at most one badge per conversation')
  for (const badge of badges)
    t.match(badge.trim(), /^[1-9]\d* unread$/, `badge "${badge}" is a positive count`)
  await screen(t, page, shots, 'conversation-list')
})

t.test('opening a conversation shows the newest page, newest at the bottom and in view', async (t) => {
  await page.locator(`a.group[data-uuid="${seeded.conversationUuid}"]`).click()
  await until('20 messages', async () => (await messageTexts(page)).length === 20)
  const texts = await messageTexts(page)
  t.match(texts[0], /\(#26\)$/, 'the oldest shown is #26')
  t.match(texts[19], /\(#45\)$/, 'the newest is last')
  const box = page.locator('.messages')
  await until('the newest message in view', () => inViewOf(box, page.locator('li.message').last()))
  t.ok(await page.getByRole('heading', { name: `Ben Brooks @${ben.handle}` }).isVisible())
  await screen(t, page, shots, 'conversation-open')
})

t.test('scrolling up loads the older pages across the New Year, no gap, no duplicate', async (t) => {
  const box = page.locator('.messages')
  await until(
    'the start of the conversation',
    async () => {
      await box.evaluate((el) => {
        el.scrollTop = 0
      })
      return page.getByText('This is the start of the conversation.').isVisible()
    },
    30_000,
  )
  const texts = await messageTexts(page)
  const numbers = texts.map((text) => Number(/\(#(\d+)\)$/.exec(text)?.[1]))
  t.same(
    numbers,
    Array.from({ length: 45 }, (_, i) => i + 1),
    'messages #1..#45, each once, in order',
  )
  const days = await page.locator('.messages .day').allInnerTexts()
  t.ok(days.length >= 2, `a date line on each side of the New Year (${days.join(' | ')})`)
  await page.locator('.messages .day').nth(1).scrollIntoViewIfNeeded()
  await screen(t, page, shots, 'scrolled-back-new-year')
})

t.test('Enter sends; the message is stored once and shown at the bottom', async (t) => {
  const composer = page.getByRole('textbox', { name: 'Message' })
  await composer.fill('Hello from the page')
  await composer.press('Enter')
  await until(
    'my message at the bottom',
    async () => (await messageTexts(page)).at(-1) === 'Hello from the page',
  )
  t.equal(await composer.inputValue(), '', 'the composer is empty again')
  t.ok(await page.locator('li.message.mine').last().isVisible(), 'shown as mine')
  t.equal((await storedTexts()).filter((m) => m === 'Hello from the page').length, 1, 'stored once')
  await screen(t, page, shots, 'sent-with-enter')
})

t.test('Shift+Enter is a new line inside the message', async (t) => {
  const composer = page.getByRole('textbox', { name: 'Message' })
  await composer.click()
  await page.keyboard.type('line one')
  await page.keyboard.press('Shift+Enter')
  await page.keyboard.type('line two')
  t.equal(await composer.inputValue(), 'line one\nline two', 'Shift+Enter did not send')
  await page.keyboard.press('Enter')
  await until('the two-line message', async () => (await messageTexts(page)).at(-1) === 'line one\nline two')
  t.equal((await storedTexts()).at(-1), 'line one\nline two', 'stored with its line break')
})

t.test('the length in code points is shown, and an over-long message is refused in words', async (t) => {
  const composer = page.getByRole('textbox', { name: 'Message' })
  await composer.fill('😀'.repeat(1024))
  t.equal(await page.locator('.composer .count').textContent(), '1024 / 1024', 'an emoji counts as one')
  await composer.fill('😀'.repeat(1025))
  t.equal(await page.locator('.composer .count').textContent(), '1025 / 1024 (1 too many)')
  const before = await storedTexts()
  await composer.press('Enter')
  const alert = page.locator('.composer [role="alert"]')
  await until('the refusal', async () => (await alert.textContent()) !== '')
  t.equal(
    await alert.textContent(),
    'That message is too long: shorten it to 1,024 characters or fewer.',
    'the error is a sentence, not a code',
  )
  t.same(await storedTexts(), before, 'nothing was sent')
  await screen(t, page, shots, 'too-long')
  await composer.fill('')
})

t.test('an unknown handle is refused in words', async (t) => {
  await page.getByRole('link', { name: 'New conversation' }).click()
  await page.getByLabel('Their handle').fill(`nobody_${ana.handle}`)
  await page.getByRole('button', { name: 'Look up' }).click()
  const alert = page.locator('#new-error')
  await until('the refusal', async () => (await alert.textContent()) !== '')
  t.equal(await alert.textContent(), 'Nobody has that handle. Check the spelling.')
  await screen(t, page, shots, 'unknown-handle')
})

t.test('a conversation with a third person starts after the lookup shows who it is', async (t) => {
  await page.getByLabel('Their handle').fill(`@${dev.handle}`)
  await page.getByRole('button', { name: 'Look up' }).click()
  await page.getByText('Dev Desai').waitFor()
  t.ok(await page.getByText(`@${dev.handle}`, { exact: true }).first().isVisible(), 'their handle is shown')
  await screen(t, page, shots, 'lookup-found')
  const first = page.getByRole('textbox', { name: `First message to @${dev.handle}` })
  await first.fill('Hi Dev, welcome!')
  await first.press('Enter')
  await until(
    'the new conversation open',
    async () => (await messageTexts(page)).at(-1) === 'Hi Dev, welcome!',
  )
  const groupUuid = /#\/c\/([0-9a-f-]+)$/.exec(page.url())?.[1]
  t.ok(groupUuid, 'the address names the conversation')
  await until(
    'the list shows it on top',
    async () => (await groupLines(page))[0] === `@${dev.handle}: Hi Dev, welcome!`,
  )
  const res = await fetch(`${sys.messagingServiceUrl}/api/messages/${groupUuid}`, {
    headers: { authorization: `Bearer ${dev.accessToken}` },
  })
  t.same(
    ((await res.json()) as Array<{ message: string; handle: string }>).map((m) => [m.handle, m.message]),
    [[ana.handle, 'Hi Dev, welcome!']],
    'Dev has it, from Ana',
  )
  await screen(t, page, shots, 'new-conversation')
})

t.test('signing out returns to sign-in, and a reload stays signed out', async (t) => {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  t.ok(await page.getByText('You are signed out.').isVisible())
  await page.reload()
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  t.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0, 'no session survived')
  await screen(t, page, shots, 'signed-out')
})

t.test('the page raised no script errors', async (t) => {
  t.same(pageErrors, [])
  shots.write('timings.json', timings)
  t.comment(`time to first usable screen: ${JSON.stringify(timings)}`)
})
