/**
 * The harness's own promises, which every fault test leans on: DynamoDB Local killed with -9
 * comes back on the same port with its data, PostgreSQL restarts with its data, the proxy
 * really stalls traffic while held, and stop() leaves nothing listening.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { isPortFree, localDynamoClient } from '@cruddur/local-stack'
import { createScratchTable } from '@cruddur/local-stack/testing'
import postgres from 'postgres'
import t from 'tap'
import { type System, startSystem } from './lib/system.js'

let system: System

t.before(async () => {
  system = await startSystem('harness', { services: false, proxyDynamo: true })
})
t.teardown(async () => {
  await system?.stop()
})

t.test('DynamoDB Local killed -9 restarts on the same port with its data', async (t) => {
  // Through the proxy, as messaging-service talks to it.
  const client = localDynamoClient(system.facts.dynamodb.endpoint)
  t.teardown(() => client.destroy())
  await createScratchTable(client, 'harness')
  await client.send(new PutItemCommand({ TableName: 'harness', Item: { pk: { S: 'acknowledged' } } }))
  await system.killDynamo()
  await t.rejects(client.send(new ListTablesCommand({})), 'nothing answers while it is down')
  await system.restartDynamo()
  const item = await client.send(
    new GetItemCommand({ TableName: 'harness', Key: { pk: { S: 'acknowledged' } } }),
  )
  t.same(item.Item, { pk: { S: 'acknowledged' } }, 'the write before the crash is on disk')
})

t.test('the proxy stalls DynamoDB traffic while held', async (t) => {
  const client = localDynamoClient(system.facts.dynamodb.endpoint)
  t.teardown(() => client.destroy())
  system.dynamoProxy.hold()
  let answered = false
  const pending = client.send(new ListTablesCommand({})).then((out) => {
    answered = true
    return out
  })
  await sleep(500)
  t.notOk(answered, 'no answer while held')
  system.dynamoProxy.release()
  const out = await pending
  t.ok(out.TableNames?.includes('harness'), 'the held request completes after release')
})

t.test('PostgreSQL restarts with its data', async (t) => {
  const url = system.postgres.url()
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  await sql`create table harness (v text)`
  await sql`insert into harness values ('kept')`
  await sql.end({ timeout: 2 })
  await system.stopPostgres()
  await system.restartPostgres()
  const again = postgres(system.postgres.url(), { max: 1, onnotice: () => {} })
  t.teardown(() => again.end({ timeout: 2 }))
  const rows = await again`select v from harness`
  t.same(
    rows.map((r) => r.v),
    ['kept'],
  )
})

t.test('stop() leaves no engine listening', async (t) => {
  const ports = [
    new URL(system.facts.postgres.url).port,
    new URL(system.dynamo.endpoint).port,
    new URL(system.facts.cognito.endpoint).port,
    String(system.dynamoProxy.port),
  ].map(Number)
  await system.stop()
  for (const port of ports) t.ok(await isPortFree(port), `port ${port} is free again`)
})
