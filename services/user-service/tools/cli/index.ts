#!/usr/bin/env node
import { environment } from '@cruddur/service-kit'
import { runCli } from './commands.js'

// The CLI's one read of the environment, like the service's config plugin.
const env = environment() as Record<string, string | undefined>
const tty = process.stderr.isTTY === true

process.exitCode = await runCli(process.argv.slice(2), {
  env,
  out: (line) => {
    if (tty) process.stderr.write('\r\x1b[K')
    process.stdout.write(`${line}\n`)
  },
  err: (line) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${line}\n`),
  progress: tty ? (text) => process.stderr.write(`\r\x1b[K${text}`) : undefined,
})
