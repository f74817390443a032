import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import t from 'tap'
import { distDir } from './lib/browser.js'

/** The page's JavaScript budget, gzipped (what a first visit downloads). */
const BUDGET_BYTES = 150 * 1024

t.test('the built page’s JavaScript stays within 150 KB gzipped', async (t) => {
  const assets = path.join(distDir, 'assets')
  const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'))
  t.ok(scripts.length > 0, 'the build produced scripts (run `pnpm build` first)')
  const sizes = scripts.map((f) => gzipSync(readFileSync(path.join(assets, f)), { level: 9 }).length)
  const total = sizes.reduce((a, b) => a + b, 0)
  t.comment(`JavaScript: ${scripts.length} file(s), ${(total / 1024).toFixed(1)} KB gzipped`)
  t.ok(total <= BUDGET_BYTES, `${total} bytes gzipped ≤ ${BUDGET_BYTES}`)
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8')
  t.match(
    html,
    /<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/,
    'hashed names',
  )
  t.notMatch(
    readFileSync(path.join(assets, scripts[0] ?? ''), 'utf8'),
    /TypeBox|typebox/,
    'no schema library',
  )
})
