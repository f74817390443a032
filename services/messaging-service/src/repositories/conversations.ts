import { dependencyUnavailable } from '@cruddur/service-kit'
import type { FastifyInstance } from 'fastify'
import {
  ContentionError,
  ConversationNotFoundError,
  IdempotencyKeyReusedError,
  type ListConversationsInput,
  type ListMessagesInput,
  listConversations,
  listMessages,
  type SendMessageInput,
  type StartConversationInput,
  sendMessage,
  startConversation,
} from '../ddb/index.js'

const DOMAIN_ERRORS = [ConversationNotFoundError, IdempotencyKeyReusedError]
const UNAVAILABLE_NAMES = new Set([
  'ResourceNotFoundException', // table missing: the engine is not set up, not the caller's fault
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'AbortError',
])

/**
 * An engine outage (connection refused, timeout, throttling, 5xx) is a 503; the patterns' own
 * outcomes pass through; anything else is a bug and stays a 500.
 */
export function mapDynamoError(err: unknown): unknown {
  if (DOMAIN_ERRORS.some((E) => err instanceof E)) return err
  if (err instanceof ContentionError) return dependencyUnavailable('dynamodb (busy conversation)', err)
  const e = err as { name?: string; code?: string; $fault?: string; $metadata?: unknown }
  // Socket errors (ECONNREFUSED, ECONNRESET, ...) carry a Node error code and no service fault.
  const network = typeof e?.code === 'string' && !e.$fault
  if (network || e.$fault === 'server' || (e.name && UNAVAILABLE_NAMES.has(e.name))) {
    return dependencyUnavailable('dynamodb', err)
  }
  return err
}

async function guarded<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (err) {
    throw mapDynamoError(err)
  }
}

/** The access patterns bound to this service's client and table, with outages mapped to 503. */
export function createConversationsRepository(fastify: FastifyInstance) {
  const { doc, table } = fastify.dynamo
  return {
    listMessages: (input: ListMessagesInput) => guarded(listMessages(doc, table, input)),
    listConversations: (input: ListConversationsInput) => guarded(listConversations(doc, table, input)),
    send: (input: SendMessageInput) => guarded(sendMessage(doc, table, input)),
    start: (input: StartConversationInput) => guarded(startConversation(doc, table, input)),
  }
}

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>
