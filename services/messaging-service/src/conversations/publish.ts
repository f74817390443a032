import type { ConversationsContext } from './context.js'
import type { ConversationEvent } from './events.js'
import type { SentMessage } from './message.js'

/** Hands an event to the context's sink; a sink that throws never fails the write that happened. */
export function publish(ctx: ConversationsContext, event: ConversationEvent): void {
  try {
    ctx.events?.publish(event)
  } catch {
    // The write is stored: a reconnecting client gets it from the table.
  }
}

/** A stored message, to both members; an idempotent replay published nothing new. */
export function publishSent(
  ctx: ConversationsContext,
  result: {
    replayed: boolean
    members: [string, string]
    conversationUuid: string
    seq: number
    sent: SentMessage
  },
): void {
  if (result.replayed) return
  publish(ctx, {
    type: 'message',
    to: [...result.members],
    conversationUuid: result.conversationUuid,
    seq: result.seq,
    data: result.sent,
  })
}
