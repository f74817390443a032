import { createDocumentClient, createDynamoClient, dropTable, ensureTable } from '@cruddur/dynamodb'
import { testStack, uniqueSuffix } from '@cruddur/local-stack/testing'
import type { Test } from 'tap'
import type { Person } from '../src/conversations/index.js'

/** A table of its own on the test stack's DynamoDB Local, dropped after the test. */
export async function testTable(t: Test, prefix = 'test-messages') {
  const facts = testStack()
  const client = createDynamoClient({ region: facts.region, endpoint: facts.dynamodb.endpoint })
  // Counts the HTTP requests the patterns make (one per DynamoDB API call).
  const requests: string[] = []
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(String(context.commandName))
      return next(args)
    },
    { step: 'initialize', name: 'countRequests' },
  )
  const doc = createDocumentClient(client)
  const table = `${prefix}-${uniqueSuffix()}`
  await ensureTable(client, table)
  t.teardown(async () => {
    await dropTable(client, table)
    client.destroy()
  })
  return { client, doc, table, requests, facts }
}

/** A sender as the directory would describe them, for tests that only have a uuid. */
export const person = (uuid: string): Person => ({
  uuid,
  handle: `user${uuid.slice(0, 8)}`,
  display_name: `User ${uuid.slice(0, 8)}`,
})
