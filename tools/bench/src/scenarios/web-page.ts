/**
 * Scenario 8: the web page's budgets (issue 13): the JavaScript it sends, gzipped, and how long
 * until its first screen is usable (the Sign in button is there), through the real gateway in
 * Debian's Chromium (playwright-core, no browser download). Each cold visit is a fresh browser
 * context (empty cache); each warm visit a reload in the same context (index.html revalidated,
 * hashed assets from the cache). A timed figure belongs here, not in a test: a loaded machine
 * makes a timed test fail for nothing.
 */
import { existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { percentile, round } from '../stats.js'

const CHROMIUM = '/usr/bin/chromium'

export interface WebPageResult {
  visits: number
  jsFiles: number
  jsBytes: number
  jsGzipBytes: number
  coldMs: { p50: number; max: number }
  warmMs: { p50: number; max: number }
}

export async function measureWebPage(
  gatewayUrl: string,
  options: { visits: number; print: (line: string) => void },
): Promise<WebPageResult | { skipped: string }> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM} (Debian package "chromium")` }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  try {
    const scripts = new Map<string, Buffer>()
    const cold: number[] = []
    const warm: number[] = []
    for (let i = 0; i < options.visits; i++) {
      const context = await browser.newContext()
      const page = await context.newPage()
      page.on('response', (res) => {
        const { pathname } = new URL(res.url())
        if (pathname.endsWith('.js') && !scripts.has(pathname))
          res.body().then(
            (body) => scripts.set(pathname, body),
            () => {},
          )
      })
      const usable = async (visit: () => Promise<unknown>) => {
        const started = performance.now()
        await visit()
        await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
        return performance.now() - started
      }
      cold.push(await usable(() => page.goto(gatewayUrl)))
      warm.push(await usable(() => page.reload()))
      await context.close()
    }
    const bodies = [...scripts.values()]
    const sorted = (a: number[]) => [...a].sort((x, y) => x - y)
    const result: WebPageResult = {
      visits: options.visits,
      jsFiles: bodies.length,
      jsBytes: bodies.reduce((sum, b) => sum + b.length, 0),
      jsGzipBytes: bodies.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0),
      coldMs: { p50: round(percentile(sorted(cold), 50), 1), max: round(Math.max(...cold), 1) },
      warmMs: { p50: round(percentile(sorted(warm), 50), 1), max: round(Math.max(...warm), 1) },
    }
    options.print(
      `  first screen: cold p50 ${result.coldMs.p50} ms, warm p50 ${result.warmMs.p50} ms over ${options.visits} visits`,
    )
    return result
  } finally {
    await browser.close()
  }
}
