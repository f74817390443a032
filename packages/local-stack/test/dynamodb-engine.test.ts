import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { localDynamoClient, startDynamo } from '../src/dynamodb.js'
import { freePort } from '../src/ports.js'

t.test('DynamoDB Local on disk keeps its tables across a crash and a restart', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ddb-engine-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const port = await freePort()
  const first = await startDynamo({ port, dataDir: dir })
  const client = localDynamoClient(first.endpoint)
  t.teardown(() => client.destroy())
  await client.send(
    new CreateTableCommand({
      TableName: 'survivor',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  first.kill()
  await t.rejects(
    (async () => {
      // give the kernel a moment to reap it
      for (let i = 0; i < 50; i++) {
        await client.send(new ListTablesCommand({}))
        await new Promise((r) => setTimeout(r, 100))
      }
    })(),
    'requests fail while the engine is down',
  )
  const second = await startDynamo({ port, dataDir: dir })
  t.teardown(() => second.stop())
  const tables = await client.send(new ListTablesCommand({}))
  t.same(tables.TableNames, ['survivor'])
})

t.test('a port already taken is refused before a second engine starts', async (t) => {
  const port = await freePort()
  const holder = await startDynamo({ port })
  t.teardown(() => holder.stop())
  await t.rejects(startDynamo({ port }), { name: 'PortInUseError', message: /DYNAMODB_PORT/ })
})
