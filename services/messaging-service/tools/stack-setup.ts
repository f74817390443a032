/**
 * The local stack's setup hook (run by `pnpm start` / compose after user-service is up, with this
 * service's env plus CRUDDUR_STACK): the table, its index and TTL, then the demo conversation.
 * Safe to re-run: both steps notice what exists already.
 */
import { environment } from '@cruddur/service-kit'
import { runCli } from './cli/commands.js'

const env = environment() as Record<string, string | undefined>
const io = { env, out: (line: string) => console.log(line), err: (line: string) => console.error(line) }

async function main(): Promise<number> {
  for (const step of ['ddb:schema-load', 'ddb:seed']) {
    const code = await runCli([step], io)
    if (code !== 0) return code
  }
  return 0
}

process.exitCode = await main()
