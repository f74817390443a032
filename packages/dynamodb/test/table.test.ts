import { randomBytes } from 'node:crypto'
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb'
import t from 'tap'
import {
  billingTableDef,
  createDynamoClient,
  DEFAULT_TABLE_NAME,
  dropTable,
  ensureTable,
  GSI_BY_USER,
  tableDefinition,
} from '../src/index.js'

/** The DynamoDB Local of the stack the test command started (CRUDDUR_STACK, see the README). */
function engineEndpoint(): string {
  const raw = process.env.CRUDDUR_STACK
  if (!raw) throw new Error('CRUDDUR_STACK is not set: run these tests with `pnpm test` at the root')
  return (JSON.parse(raw) as { dynamodb: { endpoint: string } }).dynamodb.endpoint
}

t.test('the definition: keys pk/sk, one INCLUDE index, on-demand unless provisioned', async (t) => {
  t.equal(DEFAULT_TABLE_NAME, 'cruddur-messages')
  const onDemand = tableDefinition('x')
  t.equal(onDemand.BillingMode, 'PAY_PER_REQUEST')
  t.same(
    onDemand.KeySchema?.map((k) => k.AttributeName),
    ['pk', 'sk'],
  )
  t.equal(onDemand.GlobalSecondaryIndexes?.[0]?.IndexName, GSI_BY_USER)
  const provisioned = tableDefinition('x', { mode: 'provisioned', read: 3, write: 4 })
  t.same(provisioned.ProvisionedThroughput, { ReadCapacityUnits: 3, WriteCapacityUnits: 4 })
  t.same(provisioned.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput, {
    ReadCapacityUnits: 3,
    WriteCapacityUnits: 4,
  })
  t.same(
    billingTableDef().indexes[0]?.include,
    onDemand.GlobalSecondaryIndexes?.[0]?.Projection?.NonKeyAttributes,
  )
})

t.test('ensureTable and dropTable against DynamoDB Local, both safe to re-run', async (t) => {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: engineEndpoint() })
  t.teardown(() => client.destroy())
  const table = `test-dynamodb-${randomBytes(5).toString('hex')}`
  t.teardown(() => dropTable(client, table))
  t.same(await ensureTable(client, table), {
    created: true,
    ttlEnabled: true,
    indexRebuilt: false,
    status: 'ACTIVE',
  })
  t.same(await ensureTable(client, table), {
    created: false,
    ttlEnabled: false,
    indexRebuilt: false,
    status: 'ACTIVE',
  })
  const described = await client.send(new DescribeTableCommand({ TableName: table }))
  t.equal(described.Table?.GlobalSecondaryIndexes?.[0]?.IndexName, GSI_BY_USER)
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }))
  t.equal(ttl.TimeToLiveDescription?.AttributeName, 'expires_at')
  t.equal(await dropTable(client, table), true)
  t.equal(await dropTable(client, table), false, 'a missing table is not an error')
  const nowhere = createDynamoClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 })
  t.teardown(() => nowhere.destroy())
  await t.rejects(ensureTable(nowhere, table), 'an engine that does not answer is an error, not a success')
})

t.test(
  'a table whose index projects fewer attributes (made before unread counts) gets the index rebuilt, items kept',
  async (t) => {
    const client = createDynamoClient({ region: 'us-east-1', endpoint: engineEndpoint() })
    t.teardown(() => client.destroy())
    const table = `test-dynamodb-${randomBytes(5).toString('hex')}`
    t.teardown(() => dropTable(client, table))
    const older = tableDefinition(table)
    const index = older.GlobalSecondaryIndexes?.[0]
    if (!index?.Projection) throw new Error('no index in the definition')
    index.Projection.NonKeyAttributes = ['user_uuid', 'other_uuid', 'last_message']
    await client.send(new CreateTableCommand(older))
    const entry = {
      pk: { S: 'CONV#c' },
      sk: { S: 'MSG~MEMBER#0' },
      gsi1pk: { S: 'USER#u' },
      gsi1sk: { S: 'MSG#2026-01-01T00:00:00.000Z#m' },
      received: { N: '3' },
    }
    await client.send(new PutItemCommand({ TableName: table, Item: entry }))
    const listed = async () =>
      (
        await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: GSI_BY_USER,
            KeyConditionExpression: 'gsi1pk = :u',
            ExpressionAttributeValues: { ':u': { S: 'USER#u' } },
          }),
        )
      ).Items?.[0]
    t.equal((await listed())?.received, undefined, 'the older index does not carry the count')
    t.match(await ensureTable(client, table), { created: false, indexRebuilt: true, status: 'ACTIVE' })
    t.same((await listed())?.received, { N: '3' }, 'the rebuilt index has the count, from the kept item')
    t.match(await ensureTable(client, table), { indexRebuilt: false }, 'once is enough')
  },
)
