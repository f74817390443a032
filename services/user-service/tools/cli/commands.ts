import { parseArgs } from 'node:util'
import { ConfigError } from '@cruddur/service-kit'
import { DependencyUnavailableError, escapeControl } from '@cruddur/user-service/directory'
import { cognitoCommands } from './cognito-commands.js'
import { CliError, type CliIo, type Command, type Flags } from './command.js'
import { ENV_NEEDS, readConfig } from './config.js'
import { databaseCommands } from './database-commands.js'

export { formatSyncReport } from './cognito-commands.js'
export type { CliIo } from './command.js'

export const COMMANDS: Record<string, Command> = { ...databaseCommands, ...cognitoCommands }

export function usage(): string[] {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length))
  return [
    'usage: node dist/cli/index.js <command> [--help] [flags]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ]
}

export function commandHelp(name: string, command: Command): string[] {
  const lines = [
    `usage: node dist/cli/index.js ${name}${command.flags ? ' [flags]' : ''}`,
    '',
    command.summary,
    '',
  ]
  if (command.flags) {
    lines.push('flags:')
    for (const [flag, text] of Object.entries(command.flags)) lines.push(`  --${flag}  ${text}`)
  }
  lines.push(`environment: ${command.needs.map((n) => ENV_NEEDS[n]).join('; ')}`)
  return lines
}

/**
 * Runs one command; answers the process exit code (0 done, 1 failed, a missing or invalid
 * variable included; 2 usage error). Every line it prints has its control, bidi and separator
 * characters escaped: stored names are user input.
 */
export async function runCli(argv: string[], terminal: CliIo): Promise<number> {
  const io: CliIo = {
    env: terminal.env,
    out: (line) => terminal.out(escapeControl(line)),
    err: (line) => terminal.err(escapeControl(line)),
    ...(terminal.progress ? { progress: (text: string) => terminal.progress?.(escapeControl(text)) } : {}),
  }
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    for (const line of usage()) io.out(line)
    return name ? 0 : 2
  }
  const command = COMMANDS[name]
  if (!command) {
    io.err(`unknown command "${name}"`)
    for (const line of usage()) io.err(line)
    return 2
  }
  let flags: Flags
  try {
    const options = Object.fromEntries(
      [...Object.keys(command.flags ?? {}), 'help'].map((f) => [f, { type: 'boolean' as const }]),
    )
    flags = parseArgs({ args: rest, options, allowPositionals: false, strict: true }).values as Flags
  } catch (error) {
    io.err(`${name}: ${(error as Error).message}`)
    for (const line of commandHelp(name, command)) io.err(line)
    return 2
  }
  if (flags.help) {
    for (const line of commandHelp(name, command)) io.out(line)
    return 0
  }
  try {
    await command.run(flags, { io, config: readConfig(command.needs, io.env) })
    return 0
  } catch (error) {
    const message =
      error instanceof CliError || error instanceof ConfigError ? error.message : describe(error)
    io.err(`${name} failed: ${message}`)
    return 1
  }
}

function describe(error: unknown): string {
  if (error instanceof DependencyUnavailableError) {
    // The directory's outage (its 503 for the routes): for a person at a terminal, what to check.
    const cause = (error.cause as { code?: string } | undefined)?.code
    return `${error.message}${cause ? ` (${cause})` : ''}: is it running, and is the address right?`
  }
  const e = error as { code?: string; message?: string; name?: string }
  if (e.code === 'ECONNREFUSED') return 'cannot connect (is the database / Cognito endpoint running?)'
  if (e.code === '3D000') return `${e.message} (run db:create first)`
  if (e.code === '42P01') return `${e.message} (run db:migrate first)`
  return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message ?? String(error)}`
}
