#!/usr/bin/env node
/** messaging-service's command-line tools (README: Command-line tools): `node dist/cli/index.js --help`. */
import { environment } from '@cruddur/service-kit'
import { runCli } from './commands.js'

const env = environment() as Record<string, string | undefined>
process.exitCode = await runCli(process.argv.slice(2), {
  env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
})
