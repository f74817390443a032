import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CursorSecrets } from './cursor.js'
import type { UserDirectory } from './directory.js'
import type { ConversationEventSink } from './events.js'
import type { SequenceCache } from './sequence.js'

/** What the use cases run against: the table, the user directory, the cursor secrets and the sequence cache. */
export interface ConversationsContext {
  doc: DynamoDBDocumentClient
  table: string
  directory: UserDirectory
  cursorSecrets: CursorSecrets
  /** This instance's clock in ms (tests shift it to play an instance whose clock is off). */
  now?: (() => number) | undefined
  /** The last known sequence state of conversations this instance wrote to (absent: one per context). */
  sequences?: SequenceCache | undefined
  /** Where events go after a write (absent: nobody is listening, e.g. the tools). */
  events?: ConversationEventSink | undefined
}

/** Who is asking, and the request id that follows the call to the user directory. */
export interface CallerInput {
  callerSub: string
  requestId?: string
}
