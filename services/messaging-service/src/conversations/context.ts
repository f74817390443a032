import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CursorSecrets } from './cursor.js'
import type { UserDirectory } from './directory.js'

/** What the use cases run against: the table, the user directory and the cursor secrets. */
export interface ConversationsContext {
  doc: DynamoDBDocumentClient
  table: string
  directory: UserDirectory
  cursorSecrets: CursorSecrets
}

/** Who is asking, and the request id that follows the call to the user directory. */
export interface CallerInput {
  callerSub: string
  requestId?: string
}
