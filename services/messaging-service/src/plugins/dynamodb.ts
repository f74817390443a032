import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createDocumentClient, createDynamoClient } from '@cruddur/dynamodb'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's one DynamoDB client (document flavour) and the messages table. */
    dynamodb: { doc: DynamoDBDocumentClient; table: string }
  }
}

/**
 * One DynamoDB client per process. DYNAMODB_ENDPOINT unset means real AWS (credentials from
 * the usual provider chain). `/ready` asks the engine; the client is destroyed on close. It asks
 * for no ConsumedCapacity: only the tools and the benchmark read what a call cost.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    const { DYNAMODB_ENDPOINT, AWS_REGION, DDB_MESSAGE_TABLE } = fastify.config
    const client = createDynamoClient({ region: AWS_REGION, endpoint: DYNAMODB_ENDPOINT })
    fastify.decorate('dynamodb', {
      doc: createDocumentClient(client, { reportCapacity: false }),
      table: DDB_MESSAGE_TABLE,
    })
    fastify.readinessChecks.push({
      name: 'dynamodb',
      check: () => client.send(new ListTablesCommand({ Limit: 1 })),
    })
    fastify.addHook('onClose', async () => {
      client.destroy()
    })
  },
  { name: 'dynamodb', dependencies: ['config', 'health'] },
)
