import type { Locator, Page } from 'playwright-core'

/** Polls `probe` until it returns true; fails with `what` after `timeoutMs`. */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await probe().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The texts of the messages the open conversation shows, top to bottom. */
export const messageTexts = (page: Page) => page.locator('.messages li.message .text').allInnerTexts()

/** The conversations of the list, top to bottom, as "handle: last message". */
export async function groupLines(page: Page): Promise<string[]> {
  return page.locator('ul.groups a.group').evaluateAll((links) =>
    links.map((a) => {
      const handle = a.querySelector('.group-who .muted')?.textContent ?? ''
      const last = a.querySelector('.group-last')?.textContent ?? ''
      return `${handle}: ${last}`
    }),
  )
}

/** Whether `item` lies fully inside the visible part of its scrolling `box`. */
export async function inViewOf(box: Locator, item: Locator): Promise<boolean> {
  const [b, i] = await Promise.all([box.boundingBox(), item.boundingBox()])
  return !!b && !!i && i.y >= b.y - 1 && i.y + i.height <= b.y + b.height + 1
}

export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}

/** Presses Tab until `target` has the focus (a keyboard-only user's way there), or fails after 10 s. */
export async function focusByTab(page: Page, target: Locator, what: string): Promise<void> {
  await until(
    `${what} focused by Tab`,
    async () => {
      await page.keyboard.press('Tab')
      return target.evaluate((el) => el === document.activeElement)
    },
    10_000,
  )
}
