import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Cost } from '@cruddur/messaging-service/conversations'
import type { TableConfig } from './config.js'

export interface CliIo {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
}

/** What a command runs with: its output, the validated table config and a lazily built client. */
export interface Context {
  io: CliIo
  config: TableConfig
  client: () => DynamoDBClient
  doc: () => DynamoDBDocumentClient
}

export interface Command {
  summary: string
  usage: string
  help: string
  run(args: string[], ctx: Context): Promise<number>
}

export const flag = (args: string[], name: string) => args.includes(name)
export const positional = (args: string[]) => args.filter((a) => !a.startsWith('--'))

export function printCost(io: CliIo, cost: Cost) {
  const total = (field: 'CapacityUnits' | 'ReadCapacityUnits' | 'WriteCapacityUnits') =>
    cost.consumed.reduce((sum, c) => sum + (c[field] ?? 0), 0)
  io.out(
    `consumed capacity: ${total('CapacityUnits')} units (read ${total('ReadCapacityUnits')}, write ${total('WriteCapacityUnits')}) in ${cost.requests} request(s)`,
  )
  for (const c of cost.consumed) io.out(`  ${JSON.stringify(c)}`)
}
