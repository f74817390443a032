import { type ConsumedCapacity, paginateListTables, paginateScan } from '@aws-sdk/client-dynamodb'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import { type Billing, dropTable, ensureTable, GSI_BY_USER, TTL_ATTRIBUTE } from '@cruddur/dynamodb'
import { type Command, type Context, flag, printCost } from './command.js'
import { isLocalDynamoEndpoint } from './local-endpoint.js'

function refuseRemote(ctx: Context, args: string[], what: string): boolean {
  const endpoint = ctx.config.DYNAMODB_ENDPOINT
  if (isLocalDynamoEndpoint(endpoint) || flag(args, '--force')) return false
  ctx.io.err(
    `refusing to ${what} on ${endpoint ?? `real AWS DynamoDB (${ctx.config.AWS_REGION})`}: only DynamoDB Local on loopback or the compose network counts as local; pass --force if you mean it`,
  )
  return true
}

function parseBilling(args: string[]): Billing | undefined {
  const at = args.indexOf('--provisioned')
  if (at < 0) return { mode: 'on-demand' }
  const [read, write] = [Number(args[at + 1]), Number(args[at + 2])]
  if (!Number.isInteger(read) || !Number.isInteger(write) || read < 1 || write < 1) return undefined
  return { mode: 'provisioned', read, write }
}

/** The commands that manage the table itself. */
export const tableCommands: Record<string, Command> = {
  'ddb:schema-load': {
    summary: 'Create the table, its index and TTL (waits until ACTIVE; on-demand unless --provisioned R W)',
    usage: 'ddb:schema-load [--provisioned <read> <write>]',
    help:
      `Creates DDB_MESSAGE_TABLE with keys pk/sk, the GSI ${GSI_BY_USER} (gsi1pk/gsi1sk) and TTL on\n` +
      `${TTL_ATTRIBUTE}, then waits until the table is ACTIVE. Billing is on-demand (PAY_PER_REQUEST) unless\n` +
      '--provisioned R W is given. An existing table is left as it is (TTL is switched on if it was off).',
    async run(args, ctx) {
      const billing = parseBilling(args)
      if (!billing) {
        ctx.io.err('--provisioned needs two positive integers: read and write capacity units')
        return 2
      }
      const table = ctx.config.DDB_MESSAGE_TABLE
      const result = await ensureTable(ctx.client(), table, billing)
      const mode = billing.mode === 'on-demand' ? 'on-demand' : `provisioned ${billing.read}/${billing.write}`
      ctx.io.out(
        result.created
          ? `created table ${table} (${mode}), status ${result.status}`
          : `table ${table} exists already, status ${result.status}`,
      )
      ctx.io.out(
        result.ttlEnabled ? `enabled TTL on ${TTL_ATTRIBUTE}` : `TTL on ${TTL_ATTRIBUTE} already enabled`,
      )
      return 0
    },
  },
  'ddb:drop': {
    summary: 'Delete the table (local endpoints only unless --force)',
    usage: 'ddb:drop [--force]',
    help: 'Deletes DDB_MESSAGE_TABLE and waits until it is gone. A missing table is not an error.',
    async run(args, ctx) {
      const table = ctx.config.DDB_MESSAGE_TABLE
      if (refuseRemote(ctx, args, `drop ${table}`)) return 1
      const dropped = await dropTable(ctx.client(), table)
      ctx.io.out(dropped ? `dropped table ${table}` : `table ${table} did not exist, nothing to do`)
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
      const table = ctx.config.DDB_MESSAGE_TABLE
      if (refuseRemote(ctx, args, `scan ${table}`)) return 1
      let count = 0
      const consumed: ConsumedCapacity[] = []
      let requests = 0
      const pages = paginateScan(
        { client: ctx.client() },
        { TableName: table, ReturnConsumedCapacity: 'TOTAL' },
      )
      for await (const page of pages) {
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
}
