/**
 * Debian's Chromium driven by playwright-core (no browser download). Each launch gets a fresh,
 * temporary profile (Playwright makes a new user-data-dir per launch and removes it after);
 * the flags keep Chromium off the network this machine does not have.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'

export const CHROMIUM = '/usr/bin/chromium'
const here = path.dirname(fileURLToPath(import.meta.url))
export const webDir = path.resolve(here, '../..')
export const distDir = path.join(webDir, 'dist')
const artifactsDir = path.join(webDir, 'test-artifacts')
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** Stops the whole browser run with one line when Debian's Chromium is not installed. */
export function requireChromium(t: Test): void {
  if (!existsSync(CHROMIUM)) {
    t.bailout(`browser tests need Chromium at ${CHROMIUM}: install the Debian package "chromium"`)
  }
  if (!existsSync(path.join(distDir, 'index.html'))) {
    t.bailout(`the page is not built (${distDir} missing): run \`pnpm build\` first`)
  }
}

export async function launch(t: Test): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  t.teardown(() => browser.close())
  return browser
}

/**
 * Collects what went wrong in a page: uncaught script errors, and every refusal of the
 * gateway's Content-Security-Policy (Chromium reports those as console errors).
 */
export function collectErrors(page: Page, into: string[]): void {
  page.on('pageerror', (e) => into.push(e.message))
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      into.push(message.text())
  })
}

/** Screenshots and axe reports of one test file, under the git-ignored test-artifacts/. */
export function artifacts(file: string) {
  const dir = path.join(artifactsDir, file)
  mkdirSync(dir, { recursive: true })
  let n = 0
  return {
    dir,
    async shot(page: Page, step: string) {
      n++
      const name = `${String(n).padStart(2, '0')}-${step.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`
      await page.screenshot({ path: path.join(dir, name), fullPage: false })
    },
    write(name: string, data: unknown) {
      writeFileSync(path.join(dir, name), `${JSON.stringify(data, null, 2)}\n`)
    },
  }
}

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: unknown }>
}

/** axe-core, injected into the page as it is now: the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window)
  // Evaluated by the driver, not added as a <script>: the gateway's CSP refuses inline scripts.
  if (!loaded) await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: unknown[] }> } }).axe
    return (await axe.run(document)).violations as AxeViolation[]
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** The checks of every screen: no serious accessibility violation, and a screenshot. */
export async function screen(t: Test, page: Page, shots: ReturnType<typeof artifacts>, step: string) {
  await shots.shot(page, step)
  const bad = await seriousViolations(page)
  t.same(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    [],
    `${step}: no serious or critical accessibility violations`,
  )
}
