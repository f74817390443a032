import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb'
import type { TableDef } from './billing.js'

/** The messages table's name when DDB_MESSAGE_TABLE is not set. */
export const DEFAULT_TABLE_NAME = 'cruddur-messages'
/** The one index: a user's conversation entries, ordered by their newest message. */
export const GSI_BY_USER = 'gsi1-user-activity'
/** What the index carries besides its keys: what "list my conversations" answers with, and the seq a resuming stream starts from. */
export const GSI_PROJECTED = ['user_uuid', 'other_uuid', 'last_message', 'received', 'read_received', 'seq']
/** Epoch seconds; DynamoDB's TTL deletes the item some time after (idempotency records). */
export const TTL_ATTRIBUTE = 'expires_at'

/** The table's primary key, `pk` + `sk` (strings); the original design's table had the same. */
export const PRIMARY_KEY = {
  attributes: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  schema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
} as const satisfies {
  attributes: NonNullable<CreateTableCommandInput['AttributeDefinitions']>
  schema: NonNullable<CreateTableCommandInput['KeySchema']>
}

export type Billing = { mode: 'on-demand' } | { mode: 'provisioned'; read: number; write: number }

/** The table and its one index: messages and member entries by conversation, entries by user activity. */
export function tableDefinition(
  table: string,
  billing: Billing = { mode: 'on-demand' },
): CreateTableCommandInput {
  const throughput =
    billing.mode === 'provisioned'
      ? { ReadCapacityUnits: billing.read, WriteCapacityUnits: billing.write }
      : undefined
  return {
    TableName: table,
    AttributeDefinitions: [
      ...PRIMARY_KEY.attributes,
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [...PRIMARY_KEY.schema],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI_BY_USER,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        // Only what the conversation list answers with: small index entries, cheaper index writes.
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: GSI_PROJECTED },
        ...(throughput ? { ProvisionedThroughput: throughput } : {}),
      },
    ],
    ...(throughput
      ? { BillingMode: 'PROVISIONED', ProvisionedThroughput: throughput }
      : { BillingMode: 'PAY_PER_REQUEST' }),
  }
}

export interface SchemaLoadResult {
  created: boolean
  /** The index was rebuilt because it projected fewer attributes than the list now answers with. */
  indexRebuilt: boolean
  ttlEnabled: boolean
  status: string
}

const WAIT = { maxWaitTime: 120, minDelay: 1, maxDelay: 2 }

/** Creates the table if missing, waits until ACTIVE, enables TTL. Safe to re-run. */
export async function ensureTable(
  client: DynamoDBClient,
  table: string,
  billing: Billing = { mode: 'on-demand' },
): Promise<SchemaLoadResult> {
  let created = false
  try {
    await client.send(new CreateTableCommand(tableDefinition(table, billing)))
    created = true
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err
  }
  await waitUntilTableExists({ client, ...WAIT }, { TableName: table })
  let ttlEnabled = false
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }))
  const ttlStatus = ttl.TimeToLiveDescription?.TimeToLiveStatus
  if (ttlStatus !== 'ENABLED' && ttlStatus !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    )
    ttlEnabled = true
  }
  const indexRebuilt = created ? false : await rebuildIndexIfOlder(client, table, billing)
  const described = await client.send(new DescribeTableCommand({ TableName: table }))
  return { created, ttlEnabled, indexRebuilt, status: described.Table?.TableStatus ?? 'UNKNOWN' }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitForIndex(client: DynamoDBClient, table: string, present: boolean): Promise<void> {
  const deadline = Date.now() + WAIT.maxWaitTime * 1000
  for (;;) {
    const out = await client.send(new DescribeTableCommand({ TableName: table }))
    const index = out.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === GSI_BY_USER)
    if (present ? index?.IndexStatus === 'ACTIVE' : !index) return
    if (Date.now() > deadline) throw new Error(`index ${GSI_BY_USER} of ${table} did not settle`)
    await sleep(500)
  }
}

/**
 * A table made before the index carried the unread counts: an index's projection cannot be
 * changed in place, so the index is deleted and created again (DynamoDB backfills it from the
 * table; the conversation list is unavailable meanwhile). Answers whether it did.
 */
async function rebuildIndexIfOlder(
  client: DynamoDBClient,
  table: string,
  billing: Billing,
): Promise<boolean> {
  const out = await client.send(new DescribeTableCommand({ TableName: table }))
  const index = out.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === GSI_BY_USER)
  const projected = new Set(index?.Projection?.NonKeyAttributes ?? [])
  if (index && GSI_PROJECTED.every((a) => projected.has(a))) return false
  if (index) {
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: GSI_BY_USER } }],
      }),
    )
    await waitForIndex(client, table, false)
  }
  const definition = tableDefinition(table, billing)
  const wanted = definition.GlobalSecondaryIndexes?.[0]
  if (!wanted?.KeySchema || !wanted.Projection) throw new Error('the table definition has no index')
  await client.send(
    new UpdateTableCommand({
      TableName: table,
      AttributeDefinitions: definition.AttributeDefinitions,
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: GSI_BY_USER,
            KeySchema: wanted.KeySchema,
            Projection: wanted.Projection,
            ...(wanted.ProvisionedThroughput ? { ProvisionedThroughput: wanted.ProvisionedThroughput } : {}),
          },
        },
      ],
    }),
  )
  await waitForIndex(client, table, true)
  return true
}

/** Deletes the table if it exists; answers whether it did. */
export async function dropTable(client: DynamoDBClient, table: string): Promise<boolean> {
  try {
    await client.send(new DeleteTableCommand({ TableName: table }))
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false
    throw err
  }
  await waitUntilTableNotExists({ client, ...WAIT }, { TableName: table })
  return true
}

/** The table as the billing rules see it (keys, the index and its projection). */
export function billingTableDef(): TableDef {
  return {
    keys: ['pk', 'sk'],
    indexes: [
      { name: GSI_BY_USER, keys: ['gsi1pk', 'gsi1sk'], projection: 'INCLUDE', include: GSI_PROJECTED },
    ],
  }
}
