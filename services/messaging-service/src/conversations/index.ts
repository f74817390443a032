/**
 * The conversations domain: the one door of the messaging-service between its routes (and its
 * tools, and the benchmark) and the engine. Use cases take plain inputs and return plain results.
 */
export type { ActiveConversation } from './catch-up.js'
export type { ConversationsContext } from './context.js'
export * from './conversations.js'
export { type Cost, emptyCost } from './cost.js'
export * from './cursor.js'
export * from './directory.js'
export * from './errors.js'
export type * from './events.js'
export { type HistoryInput, type HistoryOptions, type WrittenHistory, writeHistory } from './history.js'
export type { IdempotencyKey } from './idempotency.js'
export { sendRequestHash } from './idempotency.js'
export * from './inspect.js'
export * from './keys.js'
export {
  type ConversationEntry,
  type ListConversationsInput,
  listConversations,
} from './list-conversations.js'
export {
  type ListMessagesInput,
  type ListMessagesResult,
  listMessages,
  type StoredMessage,
} from './list-messages.js'
export * from './message.js'
export type { Page, PageInput } from './page.js'
export { type MarkReadInput, markRead, type ReadPosition } from './read-position.js'
export type * from './records.js'
export { sendTransaction } from './send-items.js'
export {
  type SendMessageInput,
  type SendResult,
  sendMessage,
} from './send-message.js'
export { currentState, SequenceCache, type SequenceState } from './sequence.js'
export { type StartConversationInput, startConversation } from './start-conversation.js'
export { type TypingInput, typing } from './typing.js'
export { unreadCount } from './unread.js'
