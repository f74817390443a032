import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'

export interface DynamoClientOptions {
  region: string
  /** A local engine (DynamoDB Local); unset means real AWS with the SDK's credential chain. */
  endpoint?: string | undefined
  /** SDK attempts per call (the first try included). */
  maxAttempts?: number
}

/** A local engine ignores credentials, but the SDK insists on some; real AWS uses the chain. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' }

/**
 * The one way a DynamoDB client is built here: the service, its tools, the local stack, the
 * tests and the benchmark all call this, so they talk to the engine with the same settings.
 *
 * 3 s to connect: under a burst (200 concurrent sends on a busy 2-core box) DynamoDB Local
 * accepted connections slower than 1 s and sends failed; a refused connection is still
 * immediate, and a stalled engine still fails after the 5 s request timeout. The SDK's default
 * pool is 50 sockets; a burst of 200 sends queued behind it and the wait counted against the
 * connect timeout, so busy moments turned into 503s: keep-alive sockets, 256 of them (http for
 * Local, https for AWS).
 */
export function createDynamoClient(options: DynamoClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
    maxAttempts: options.maxAttempts ?? 2,
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: 5_000,
      httpAgent: { keepAlive: true, maxSockets: 256 },
      httpsAgent: { keepAlive: true, maxSockets: 256 },
    },
  })
}

export interface DocumentClientOptions {
  /**
   * false: requests go out without ReturnConsumedCapacity whatever the caller asked for. The
   * access patterns ask for it so tools and the benchmark can show what a call cost; a service
   * answering users never reads it, and the engine then has less to compute and to send.
   */
  reportCapacity?: boolean
}

/** The document client over a client: plain JavaScript values in and out, undefined left out. */
export function createDocumentClient(
  client: DynamoDBClient,
  { reportCapacity = true }: DocumentClientOptions = {},
): DynamoDBDocumentClient {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } })
  if (!reportCapacity) {
    // The document client shares its stack with `client`: this holds for low-level calls too.
    doc.middlewareStack.add(
      (next) => (args) => {
        const input = args.input as { ReturnConsumedCapacity?: unknown }
        if (input.ReturnConsumedCapacity !== undefined) {
          const { ReturnConsumedCapacity: _dropped, ...rest } = input
          return next({ ...args, input: rest })
        }
        return next(args)
      },
      { step: 'initialize', name: 'noConsumedCapacity', override: true },
    )
  }
  return doc
}
