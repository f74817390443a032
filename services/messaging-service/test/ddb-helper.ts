import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { testStack, uniqueSuffix } from '@cruddur/local-stack/testing'
import type { Test } from 'tap'
import { dropTable, ensureTable } from '../src/ddb/table.js'

/** A table of its own on the test stack's DynamoDB Local, dropped after the test. */
export async function testTable(t: Test, prefix = 'test-messages') {
  const facts = testStack()
  const client = new DynamoDBClient({
    endpoint: facts.dynamodb.endpoint,
    region: facts.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  // Counts the HTTP requests the patterns make (one per DynamoDB API call).
  const requests: string[] = []
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(String(context.commandName))
      return next(args)
    },
    { step: 'initialize', name: 'countRequests' },
  )
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } })
  const table = `${prefix}-${uniqueSuffix()}`
  await ensureTable(client, table)
  t.teardown(async () => {
    await dropTable(client, table)
    client.destroy()
  })
  return { client, doc, table, requests, facts }
}
