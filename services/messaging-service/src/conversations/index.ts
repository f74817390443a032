/**
 * The conversations domain: the one door of the messaging-service between its routes (and its
 * tools, and the benchmark) and the engine. Use cases take plain inputs and return plain results.
 */
export type { ConversationsContext } from './context.js'
export * from './conversations.js'
export type { Cost } from './cost.js'
export * from './cursor.js'
export * from './directory.js'
export * from './errors.js'
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
export type * from './records.js'
export { type SendMessageInput, type SendResult, sendMessage } from './send-message.js'
export { type StartConversationInput, startConversation } from './start-conversation.js'
