import { isEngineOutage } from '@cruddur/dynamodb'
import type { ConversationsContext } from './context.js'
import { DependencyUnavailableError } from './errors.js'
import { conversationsPage } from './list-conversations.js'
import { messagesPage } from './list-messages.js'
import { send } from './send-message.js'
import { start } from './start-conversation.js'

/** A DynamoDB outage (down, slow, throttling, no table) becomes the one "dependency unavailable" outcome. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (isEngineOutage(err)) throw new DependencyUnavailableError('dynamodb', { cause: err })
    throw err
  }
}

type UseCase<I, O> = (ctx: ConversationsContext, input: I) => Promise<O>
const bind =
  <I, O>(ctx: ConversationsContext, useCase: UseCase<I, O>) =>
  (input: I) =>
    guarded(() => useCase(ctx, input))

/** The conversations' use cases bound to one table, user directory and cursor secrets. */
export function createConversations(ctx: ConversationsContext) {
  return {
    /** A page of one conversation's messages (pattern A). */
    messagesPage: bind(ctx, messagesPage),
    /** A page of the caller's conversations (pattern B). */
    conversationsPage: bind(ctx, conversationsPage),
    /** A message into a conversation the caller belongs to (C + E). */
    send: bind(ctx, send),
    /** A message to a person: their conversation, started if need be (D + E). */
    start: bind(ctx, start),
  }
}

export type Conversations = ReturnType<typeof createConversations>
