/**
 * `pnpm docs:openapi`: writes docs/openapi/<service>.json for every service.
 * `pnpm docs:openapi --check`: exits 1, naming the files, when a checked-in one is not current.
 */
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe } from './describe.js'
import { SERVICES } from './services.js'

// The SDK's Node 20 end-of-support notice would interleave with the output (the services are
// only described here, nothing is sent).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

export const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/openapi')

const HELP = `usage: pnpm docs:openapi [--check]
  Writes the OpenAPI document of each service (${SERVICES.map((s) => s.name).join(', ')}) to
  docs/openapi/<service>.json. With --check, writes nothing and fails when one is out of date.
`

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP)
    return 0
  }
  const check = args.includes('--check')
  const stale: string[] = []
  for (const service of SERVICES) {
    const file = path.join(docsDir, `${service.name}.json`)
    const text = await describe(service)
    const current = await readFile(file, 'utf8').catch(() => '')
    if (current === text) {
      console.log(`${service.name}: docs/openapi/${service.name}.json is current`)
    } else if (check) {
      stale.push(`docs/openapi/${service.name}.json`)
    } else {
      await writeFile(file, text)
      console.log(`${service.name}: wrote docs/openapi/${service.name}.json`)
    }
  }
  if (stale.length > 0) {
    console.error(`out of date: ${stale.join(', ')} (run \`pnpm docs:openapi\` and commit the result)`)
    return 1
  }
  return 0
}

process.exitCode = await main(process.argv.slice(2))
