import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    dynamo: { client: DynamoDBClient; doc: DynamoDBDocumentClient; table: string }
  }
}

/**
 * One DynamoDB client per process. DYNAMODB_ENDPOINT unset means real AWS (credentials from
 * the usual provider chain). Short timeouts so an engine outage becomes a quick 503.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    const { DYNAMODB_ENDPOINT, AWS_REGION, DDB_MESSAGE_TABLE } = fastify.config
    const client = new DynamoDBClient({
      region: AWS_REGION,
      // A local engine ignores credentials but the SDK insists on some; real AWS uses the chain.
      ...(DYNAMODB_ENDPOINT
        ? { endpoint: DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 2,
      // 3 s to connect: under a burst (200 concurrent sends on a busy 2-core box) DynamoDB Local
      // accepted connections slower than 1 s and sends failed; a refused connection is still
      // immediate, and a stalled engine still becomes a 503 after the request timeout.
      // The SDK's default pool is 50 sockets; a burst of 200 sends queued behind it and the
      // wait counted against connectionTimeout, so busy moments turned into 503s. Keep-alive
      // sockets, enough for the bursts the system tests make (http for Local, https for AWS).
      requestHandler: {
        connectionTimeout: 3_000,
        requestTimeout: 5_000,
        httpAgent: { keepAlive: true, maxSockets: 256 },
        httpsAgent: { keepAlive: true, maxSockets: 256 },
      },
    })
    const doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    })
    fastify.decorate('dynamo', { client, doc, table: DDB_MESSAGE_TABLE })
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
