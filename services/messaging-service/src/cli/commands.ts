import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb'
import { DynamoDBClient, paginateListTables, paginateScan } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { createUserServiceClient } from '../clients/user-service.js'
import {
  type Billing,
  type Cost,
  dropTable,
  ensureTable,
  getConversationItems,
  listConversations,
  seedDemoConversation,
} from '../ddb/index.js'

export interface CliIo {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
}

interface Command {
  summary: string
  usage: string
  help: string
  run(args: string[], ctx: Context): Promise<number>
}

interface Context {
  io: CliIo
  table: string
  endpoint: string | undefined
  region: string
  client: () => DynamoDBClient
  doc: () => DynamoDBDocumentClient
}

const DEFAULT_TABLE = 'cruddur-messages'
const DEMO_PAIR = ['andrewbrown', 'bayko'] as const

/** Local engines only: loopback, or a bare container name such as `dynamodb-local` on a compose network. */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false
  try {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '')
    return host === 'localhost' || host === '::1' || host.startsWith('127.') || !host.includes('.')
  } catch {
    return false
  }
}

function printCost(io: CliIo, cost: Cost) {
  const total = (field: 'CapacityUnits' | 'ReadCapacityUnits' | 'WriteCapacityUnits') =>
    cost.consumed.reduce((sum: number, c: ConsumedCapacity) => sum + (c[field] ?? 0), 0)
  io.out(
    `consumed capacity: ${total('CapacityUnits')} units (read ${total('ReadCapacityUnits')}, write ${total('WriteCapacityUnits')}) in ${cost.requests} request(s)`,
  )
  for (const c of cost.consumed) io.out(`  ${JSON.stringify(c)}`)
}

function users(ctx: Context) {
  const { USER_SERVICE_URL, INTERNAL_TOKEN } = ctx.io.env
  if (!USER_SERVICE_URL || !INTERNAL_TOKEN) {
    throw new Error(
      'USER_SERVICE_URL and INTERNAL_TOKEN must be set: users are resolved through user-service',
    )
  }
  return createUserServiceClient({ baseUrl: USER_SERVICE_URL, internalToken: INTERNAL_TOKEN, cacheTtlMs: 0 })
}

const flag = (args: string[], name: string) => args.includes(name)
const positional = (args: string[]) => args.filter((a) => !a.startsWith('--'))

function refuseRemote(ctx: Context, args: string[], what: string): boolean {
  if (isLocalEndpoint(ctx.endpoint) || flag(args, '--force')) return false
  ctx.io.err(
    `refusing to ${what} on ${ctx.endpoint ?? `real AWS DynamoDB (${ctx.region})`}: pass --force if you mean it`,
  )
  return true
}

export const commands: Record<string, Command> = {
  'ddb:schema-load': {
    summary: 'Create the table, its index and TTL (waits until ACTIVE; on-demand unless --provisioned R W)',
    usage: 'ddb:schema-load [--provisioned <read> <write>]',
    help:
      'Creates DDB_MESSAGE_TABLE with keys pk/sk, the GSI gsi1-user-activity (gsi1pk/gsi1sk) and TTL on\n' +
      'expires_at, then waits until the table is ACTIVE. Billing is on-demand (PAY_PER_REQUEST) unless\n' +
      '--provisioned R W is given. An existing table is left as it is (TTL is switched on if it was off).',
    async run(args, ctx) {
      let billing: Billing = { mode: 'on-demand' }
      const at = args.indexOf('--provisioned')
      if (at >= 0) {
        const [read, write] = [Number(args[at + 1]), Number(args[at + 2])]
        if (!Number.isInteger(read) || !Number.isInteger(write) || read < 1 || write < 1) {
          ctx.io.err('--provisioned needs two positive integers: read and write capacity units')
          return 2
        }
        billing = { mode: 'provisioned', read, write }
      }
      const result = await ensureTable(ctx.client(), ctx.table, billing)
      ctx.io.out(
        result.created
          ? `created table ${ctx.table} (${billing.mode === 'on-demand' ? 'on-demand' : `provisioned ${billing.read}/${billing.write}`}), status ${result.status}`
          : `table ${ctx.table} exists already, status ${result.status}`,
      )
      ctx.io.out(result.ttlEnabled ? 'enabled TTL on expires_at' : 'TTL on expires_at already enabled')
      return 0
    },
  },
  'ddb:drop': {
    summary: 'Delete the table (local endpoints only unless --force)',
    usage: 'ddb:drop [--force]',
    help: 'Deletes DDB_MESSAGE_TABLE and waits until it is gone. A missing table is not an error.',
    async run(args, ctx) {
      if (refuseRemote(ctx, args, `drop ${ctx.table}`)) return 1
      const dropped = await dropTable(ctx.client(), ctx.table)
      ctx.io.out(dropped ? `dropped table ${ctx.table}` : `table ${ctx.table} did not exist, nothing to do`)
      return 0
    },
  },
  'ddb:list-tables': {
    summary: 'List the tables of the endpoint',
    usage: 'ddb:list-tables',
    help: 'Prints every table name of DYNAMODB_ENDPOINT (or the AWS region), one per line.',
    async run(_args, ctx) {
      let count = 0
      for await (const page of paginateListTables({ client: ctx.client() }, {})) {
        for (const name of page.TableNames ?? []) {
          ctx.io.out(name)
          count++
        }
      }
      ctx.io.out(`${count} table(s)`)
      return 0
    },
  },
  'ddb:scan': {
    summary: 'Print every item of the table (local endpoints only unless --force)',
    usage: 'ddb:scan [--force]',
    help:
      'Scans DDB_MESSAGE_TABLE and prints each item as JSON. A debugging tool: it reads the whole table,\n' +
      'so it refuses anything but a local endpoint unless --force is given.',
    async run(args, ctx) {
      if (refuseRemote(ctx, args, `scan ${ctx.table}`)) return 1
      let count = 0
      const consumed: ConsumedCapacity[] = []
      let requests = 0
      for await (const page of paginateScan(
        { client: ctx.client() },
        { TableName: ctx.table, ReturnConsumedCapacity: 'TOTAL' },
      )) {
        requests++
        if (page.ConsumedCapacity) consumed.push(page.ConsumedCapacity)
        for (const item of page.Items ?? []) {
          ctx.io.out(JSON.stringify(unmarshall(item)))
          count++
        }
      }
      ctx.io.out(`${count} item(s)`)
      printCost(ctx.io, { consumed, requests })
      return 0
    },
  },
  'ddb:seed': {
    summary: `Seed a demo conversation of ~100 messages between ${DEMO_PAIR.join(' and ')} across a New Year`,
    usage: 'ddb:seed',
    help:
      `Resolves ${DEMO_PAIR.join(' and ')} through user-service (USER_SERVICE_URL, INTERNAL_TOKEN) and writes\n` +
      '100 messages, one a minute, half before and half after the most recent New Year. Re-running\n' +
      'finds the existing conversation and adds nothing.',
    async run(_args, ctx) {
      const directory = users(ctx)
      const [a, b] = await Promise.all(DEMO_PAIR.map((h) => directory.byHandle(h)))
      if (!a || !b) {
        ctx.io.err(
          `the demo users ${DEMO_PAIR.join(', ')} are not in user-service yet (run its db:seed / cognito:sync first)`,
        )
        return 1
      }
      const result = await seedDemoConversation(ctx.doc(), ctx.table, { a: a.uuid, b: b.uuid })
      ctx.io.out(
        result.created
          ? `seeded conversation ${result.conversationUuid}: ${result.messages} messages between @${a.handle} and @${b.handle}, ${result.first} .. ${result.last}`
          : `conversation ${result.conversationUuid} between @${a.handle} and @${b.handle} exists already (${result.messages} messages), nothing added`,
      )
      return 0
    },
  },
  'ddb:get-conversation': {
    summary: 'Print every item of one conversation and the consumed capacity',
    usage: 'ddb:get-conversation <message_group_uuid>',
    help: 'Queries the conversation partition (messages oldest first, then the two member entries).',
    async run(args, ctx) {
      const [uuid] = positional(args)
      if (!uuid || !/^[0-9a-f-]{36}$/i.test(uuid)) {
        ctx.io.err(`usage: ${this.usage}`)
        return 2
      }
      const { items, cost } = await getConversationItems(ctx.doc(), ctx.table, uuid.toLowerCase())
      for (const item of items) ctx.io.out(JSON.stringify(item))
      ctx.io.out(`${items.length} item(s)`)
      printCost(ctx.io, cost)
      return items.length === 0 ? 1 : 0
    },
  },
  'ddb:list-conversations': {
    summary: "Print a user's conversations (pattern B) and the consumed capacity",
    usage: 'ddb:list-conversations <handle> [--limit N]',
    help: 'Resolves the handle through user-service, then runs pattern B (one Query on gsi1-user-activity).',
    async run(args, ctx) {
      const [handle] = positional(args)
      const limitAt = args.indexOf('--limit')
      const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : 20
      if (!handle || !Number.isInteger(limit) || limit < 1 || limit > 100) {
        ctx.io.err(`usage: ${this.usage} (limit 1-100)`)
        return 2
      }
      const user = await users(ctx).byHandle(handle.replace(/^@/, ''))
      if (!user) {
        ctx.io.err(`no user with the handle @${handle}`)
        return 1
      }
      const page = await listConversations(ctx.doc(), ctx.table, { user: user.uuid, limit })
      for (const c of page.conversations) ctx.io.out(JSON.stringify(c))
      ctx.io.out(
        `${page.conversations.length} conversation(s) of @${user.handle}${page.next ? ' (more exist)' : ''}`,
      )
      printCost(ctx.io, page.cost)
      return 0
    },
  },
}

function usage(io: CliIo) {
  io.out('usage: node dist/cli/index.js <command> [--help] [args]')
  io.out('')
  io.out('commands:')
  for (const [name, c] of Object.entries(commands)) io.out(`  ${name.padEnd(24)}${c.summary}`)
  io.out('')
  io.out(
    `env: DYNAMODB_ENDPOINT (unset = real AWS), DDB_MESSAGE_TABLE (default ${DEFAULT_TABLE}), AWS_REGION,`,
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
  const endpoint = io.env.DYNAMODB_ENDPOINT || undefined
  const region = io.env.AWS_REGION || 'us-east-1'
  let client: DynamoDBClient | undefined
  let doc: DynamoDBDocumentClient | undefined
  const ctx: Context = {
    io,
    table: io.env.DDB_MESSAGE_TABLE || DEFAULT_TABLE,
    endpoint,
    region,
    client: () => {
      client ??= new DynamoDBClient({
        region,
        ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
        maxAttempts: 3,
      })
      return client
    },
    doc: () => {
      doc ??= DynamoDBDocumentClient.from(ctx.client(), { marshallOptions: { removeUndefinedValues: true } })
      return doc
    },
  }
  try {
    return await command.run(args, ctx)
  } catch (err) {
    io.err(`${name} failed: ${(err as Error).message}`)
    return 1
  } finally {
    client?.destroy()
  }
}
