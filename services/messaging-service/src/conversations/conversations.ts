import { isEngineOutage } from '@cruddur/dynamodb'
import { activeSince, messagesFrom } from './catch-up.js'
import type { CallerInput, ConversationsContext } from './context.js'
import { callerOf } from './directory.js'
import { DependencyUnavailableError } from './errors.js'
import { conversationsPage } from './list-conversations.js'
import { messagesPage } from './list-messages.js'
import { readsSince } from './read-feed.js'
import { markRead } from './read-position.js'
import { send } from './send-message.js'
import { SequenceCache } from './sequence.js'
import { start } from './start-conversation.js'
import { typing } from './typing.js'

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
export function createConversations(context: ConversationsContext) {
  // One sequence cache per service instance: sends build on what this instance stored last.
  const ctx = { ...context, sequences: context.sequences ?? new SequenceCache() }
  return {
    /** A page of one conversation's messages (pattern A). */
    messagesPage: bind(ctx, messagesPage),
    /** A page of the caller's conversations (pattern B). */
    conversationsPage: bind(ctx, conversationsPage),
    /** A message into a conversation the caller belongs to (C + E). */
    send: bind(ctx, send),
    /** A message to a person: their conversation, started if need be (D + E). */
    start: bind(ctx, start),
    /** Moves the caller's read position forward (never back) and answers the unread count. */
    markRead: bind(ctx, markRead),
    /** The caller as the directory knows them (a stream is one user's). */
    caller: bind(ctx, (c, input: CallerInput) => callerOf(c.directory, input.callerSub, input.requestId)),
    /** What a resuming stream reads: conversations active since, their messages from a time, the reads. */
    activeSince: bind(ctx, activeSince),
    messagesFrom: bind(ctx, messagesFrom),
    readsSince: bind(ctx, readsSince),
    /** The typing notice for the other member, after checking the caller is one (nothing stored). */
    typing: bind(ctx, typing),
  }
}

export type Conversations = ReturnType<typeof createConversations>
