import type { InternalUser } from '@cruddur/types'
import type { CallerInput, ConversationsContext } from './context.js'
import { encodeCursor, resumeAfter } from './cursor.js'
import { callerOf } from './directory.js'
import type { TableKey } from './keys.js'

/** A page of a list, and the cursor of the next one when more exist. */
export interface Page<T> {
  items: T[]
  nextCursor?: string
}

export interface PageInput extends CallerInput {
  limit: number
  cursor?: string | undefined
}

/** What one list of the caller's is made of: its cursor scope, its read, and who each row names. */
export interface ListSpec<Row, Item> {
  scope: (me: InternalUser) => string
  read: (me: InternalUser, after: TableKey | undefined) => Promise<{ rows: Row[]; next?: TableKey }>
  personOf: (row: Row) => string
  toItem: (row: Row, person: InternalUser | undefined) => Item
}

/**
 * A page of one of the caller's lists: who is asking, where to resume (only from a cursor this
 * list signed for this caller), the rows, the people they name (one directory call), the next cursor.
 */
export async function callerPage<Row, Item>(
  ctx: ConversationsContext,
  input: PageInput,
  spec: ListSpec<Row, Item>,
): Promise<Page<Item>> {
  const me = await callerOf(ctx.directory, input.callerSub, input.requestId)
  const binding = { secrets: ctx.cursorSecrets, scope: spec.scope(me) }
  const { rows, next } = await spec.read(me, resumeAfter(input.cursor, binding))
  const people = await ctx.directory.byUuids(rows.map(spec.personOf), input.requestId)
  return {
    items: rows.map((row) => spec.toItem(row, people.get(spec.personOf(row)))),
    ...(next ? { nextCursor: encodeCursor(next, binding) } : {}),
  }
}
