import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { describe } from '../src/describe.js'
import { SERVICES } from '../src/services.js'

const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/openapi')

for (const service of SERVICES) {
  t.test(`docs/openapi/${service.name}.json is what the service describes`, async (t) => {
    const text = await describe(service)
    const checkedIn = await readFile(path.join(docsDir, `${service.name}.json`), 'utf8')
    t.equal(checkedIn, text, 'current (if not: run `pnpm docs:openapi` and commit the result)')
    const document = JSON.parse(text) as { paths: Record<string, unknown> }
    const paths = Object.keys(document.paths)
    t.ok(paths.length > 0, 'describes routes')
    t.notOk(
      paths.some((p) => p.startsWith('/internal')),
      'no internal route in a public description',
    )
  })
}
