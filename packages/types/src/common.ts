import { type Static, Type } from 'typebox'

export const Uuid = Type.String({ format: 'uuid', description: 'RFC 4122 UUID' })

/** ISO-8601 UTC with milliseconds, e.g. 2026-01-01T00:00:00.000Z */
export const Timestamp = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$',
  description: 'ISO-8601 UTC with milliseconds',
})

/**
 * Text that may reach PostgreSQL: it stores no NUL (U+0000) in text, so such input is refused
 * at the schema (400) instead of failing in the driver.
 */
export const NO_NUL = '^[^\\u0000]*$'

/** Handles are compared case-insensitively and returned as stored. */
export const Handle = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: NO_NUL,
  description: 'User handle, as stored',
})

export const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false })
export type Health = Static<typeof Health>

export const Ready = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
    checks: Type.Record(Type.String(), Type.Union([Type.Literal('ok'), Type.Literal('down')])),
  },
  { additionalProperties: false },
)
export type Ready = Static<typeof Ready>

/** `?limit=&cursor=` on every list route. */
export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  },
  { additionalProperties: false },
)
export type ListQuery = Static<typeof ListQuery>
