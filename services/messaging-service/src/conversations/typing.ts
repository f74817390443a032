import type { CallerInput, ConversationsContext } from './context.js'
import { emptyCost } from './cost.js'
import { callerOf } from './directory.js'
import { ConversationNotFoundError } from './errors.js'
import type { TypingEvent } from './events.js'
import { readMemberEntries } from './sequence.js'

export interface TypingInput extends CallerInput {
  conversationUuid: string
}

/**
 * POST /api/message_groups/:uuid/typing: the notice "the caller is typing" for the other member,
 * once the caller is known to be one (unknown conversation or not a member: ConversationNotFoundError,
 * the same answer as everywhere). Nothing is stored; whether the notice is published (at most one
 * per caller and conversation per 2 s) is the caller's decision. Cost: the two member entries,
 * strongly consistent (1 RCU).
 */
export async function typing(ctx: ConversationsContext, input: TypingInput): Promise<TypingEvent> {
  const me = await callerOf(ctx.directory, input.callerSub, input.requestId)
  const conversationUuid = input.conversationUuid.toLowerCase()
  const entries = await readMemberEntries(ctx.doc, ctx.table, conversationUuid, emptyCost())
  const mine = entries?.find((e) => e.user_uuid === me.uuid)
  if (!mine) throw new ConversationNotFoundError()
  return {
    type: 'typing',
    to: [mine.other_uuid],
    conversationUuid,
    data: { message_group_uuid: conversationUuid, handle: me.handle },
  }
}
