import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { localDynamoClient } from '@cruddur/local-stack'
import { seedDemoConversation } from '@cruddur/messaging-service/demo-conversation'
import type { SystemUnderTest } from './system.js'
import type { Person } from './users.js'

/**
 * The demo conversation of the local stack, `count` messages a minute apart across the last New
 * Year ("… (#1)" to "… (#count)"), written with messaging-service's own seed function.
 */
export async function seedConversation(sys: SystemUnderTest, a: Person, b: Person, count: number) {
  const client = localDynamoClient(sys.facts.dynamodb.endpoint, sys.facts.region)
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } })
  try {
    return await seedDemoConversation(
      doc,
      sys.table,
      {
        a: { uuid: a.uuid, handle: a.handle, display_name: a.displayName },
        b: { uuid: b.uuid, handle: b.handle, display_name: b.displayName },
      },
      { count },
    )
  } finally {
    client.destroy()
  }
}
