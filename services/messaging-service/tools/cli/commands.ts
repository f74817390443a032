import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createDocumentClient, createDynamoClient, DEFAULT_TABLE_NAME } from '@cruddur/dynamodb'
import { type CliIo, type Command, type Context, flag } from './command.js'
import { readConfig, TableConfigSchema } from './config.js'
import { conversationCommands } from './conversation-commands.js'
import { tableCommands } from './table-commands.js'

export type { CliIo } from './command.js'
export { isLocalDynamoEndpoint } from './local-endpoint.js'

export const commands: Record<string, Command> = { ...tableCommands, ...conversationCommands }

function usage(io: CliIo) {
  io.out('usage: node dist/cli/index.js <command> [--help] [args]')
  io.out('')
  io.out('commands:')
  for (const [name, c] of Object.entries(commands)) io.out(`  ${name.padEnd(24)}${c.summary}`)
  io.out('')
  io.out(
    `env: DYNAMODB_ENDPOINT (unset = real AWS), DDB_MESSAGE_TABLE (default ${DEFAULT_TABLE_NAME}), AWS_REGION,`,
  )
  io.out('     USER_SERVICE_URL and INTERNAL_TOKEN (ddb:seed, ddb:list-conversations)')
}

/** Runs one command; answers the exit code. Testable in-process (no process.exit). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    usage(io)
    return name ? 0 : 2
  }
  const command = commands[name]
  if (!command) {
    io.err(`unknown command: ${name}`)
    usage(io)
    return 2
  }
  if (flag(args, '--help') || flag(args, '-h')) {
    io.out(`usage: node dist/cli/index.js ${command.usage}`)
    io.out('')
    io.out(command.help)
    return 0
  }
  let client: DynamoDBClient | undefined
  let doc: DynamoDBDocumentClient | undefined
  try {
    const config = readConfig(TableConfigSchema, io.env)
    const ctx: Context = {
      io,
      config,
      client: () => {
        client ??= createDynamoClient({
          region: config.AWS_REGION,
          endpoint: config.DYNAMODB_ENDPOINT,
          maxAttempts: 3,
        })
        return client
      },
      doc: () => {
        doc ??= createDocumentClient(ctx.client())
        return doc
      },
    }
    return await command.run(args, ctx)
  } catch (err) {
    io.err(`${name} failed: ${(err as Error).message}`)
    return 1
  } finally {
    client?.destroy()
  }
}
