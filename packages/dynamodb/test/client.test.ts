import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import t from 'tap'
import {
  createDocumentClient,
  createDynamoClient,
  dropTable,
  ensureTable,
  isEngineOutage,
} from '../src/index.js'

t.test('a local endpoint gets dummy credentials; unset means real AWS', async (t) => {
  const local = createDynamoClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:8000' })
  t.teardown(() => local.destroy())
  t.equal(await local.config.region(), 'eu-west-1')
  t.equal((await local.config.endpoint?.())?.hostname, '127.0.0.1')
  t.match(await local.config.credentials(), { accessKeyId: 'local', secretAccessKey: 'local' })
  t.equal(await local.config.maxAttempts(), 2, 'the service default: one retry')
  const aws = createDynamoClient({ region: 'us-east-1', maxAttempts: 3 })
  t.teardown(() => aws.destroy())
  t.equal(aws.config.endpoint, undefined, 'no endpoint: the SDK derives the AWS one')
  t.equal(await aws.config.maxAttempts(), 3)
})

t.test('the document client leaves undefined values out', async (t) => {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:8000' })
  t.teardown(() => client.destroy())
  const doc = createDocumentClient(client)
  t.equal(doc.config.translateConfig?.marshallOptions?.removeUndefinedValues, true)
})

t.test('engine outages are told apart from the caller’s mistakes', async (t) => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
  t.ok(isEngineOutage(refused), 'a socket error')
  t.ok(isEngineOutage({ name: 'Whatever', $fault: 'server' }), 'a server fault')
  t.ok(isEngineOutage({ name: 'ResourceNotFoundException', $fault: 'client' }), 'a missing table')
  t.ok(isEngineOutage({ name: 'ThrottlingException', $fault: 'client' }))
  t.notOk(isEngineOutage({ name: 'ValidationException', $fault: 'client', code: 'x' }), 'a bad request')
  t.notOk(isEngineOutage(new Error('a bug')))
  t.notOk(isEngineOutage(undefined))
})

t.test('reportCapacity: false sends no ReturnConsumedCapacity, whatever the call asks', async (t) => {
  const raw = process.env.CRUDDUR_STACK
  if (!raw) throw new Error('CRUDDUR_STACK is not set: run these tests with `pnpm test` at the root')
  const endpoint = (JSON.parse(raw) as { dynamodb: { endpoint: string } }).dynamodb.endpoint
  const table = `capacity-${Date.now().toString(36)}`
  const admin = createDynamoClient({ region: 'us-east-1', endpoint })
  t.teardown(() => admin.destroy())
  await ensureTable(admin, table)
  t.teardown(() => dropTable(admin, table))
  const ask = { TableName: table, Key: { pk: 'x', sk: 'y' }, ReturnConsumedCapacity: 'TOTAL' as const }
  const reporting = createDocumentClient(admin)
  const reported = await reporting.send(new GetCommand(ask))
  t.ok(reported.ConsumedCapacity, 'by default the engine reports what the call cost (control)')

  const service = createDynamoClient({ region: 'us-east-1', endpoint })
  t.teardown(() => service.destroy())
  const quiet = createDocumentClient(service, { reportCapacity: false })
  const doc = await quiet.send(new GetCommand(ask))
  t.equal(doc.ConsumedCapacity, undefined, 'a document-client call')
  const low = await service.send(
    new GetItemCommand({
      TableName: table,
      Key: { pk: { S: 'x' }, sk: { S: 'y' } },
      ReturnConsumedCapacity: 'TOTAL',
    }),
  )
  t.equal(low.ConsumedCapacity, undefined, 'a low-level call on the same client')
  const write = await quiet.send(
    new TransactWriteCommand({
      TransactItems: [{ Put: { TableName: table, Item: { pk: 'x', sk: 'z' } } }],
      ReturnConsumedCapacity: 'INDEXES',
    }),
  )
  t.equal(write.ConsumedCapacity, undefined, 'a transaction')
  t.same(
    (await reporting.send(new GetCommand({ ...ask, Key: { pk: 'x', sk: 'z' } }))).Item,
    { pk: 'x', sk: 'z' },
    'and it was written',
  )
})
