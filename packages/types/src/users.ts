import { type Static, Type } from 'typebox'
import { Handle, NO_NUL, Timestamp, Uuid } from './common.js'

/** A row of the user directory as user-service exposes it to other services. */
export const User = Type.Object(
  {
    uuid: Uuid,
    display_name: Type.String(),
    handle: Handle,
    email: Type.String(),
    cognito_user_id: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
  },
  { additionalProperties: false },
)
export type User = Static<typeof User>

/** The public short profile (`GET /api/users/@:handle/short`). */
export const UserShort = Type.Object(
  { uuid: Uuid, handle: Handle, display_name: Type.String() },
  { additionalProperties: false },
)
export type UserShort = Static<typeof UserShort>

/** What messaging-service needs to know about a user (internal lookups). */
export const InternalUser = Type.Object(
  {
    uuid: Uuid,
    handle: Handle,
    display_name: Type.String(),
    cognito_user_id: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
)
export type InternalUser = Static<typeof InternalUser>

export const HandleParams = Type.Object({ handle: Handle }, { additionalProperties: false })
export type HandleParams = Static<typeof HandleParams>

export const SubParams = Type.Object(
  { sub: Type.String({ minLength: 1, maxLength: 128, pattern: NO_NUL }) },
  { additionalProperties: false },
)
export type SubParams = Static<typeof SubParams>

/** `POST /internal/users/batch`: several users by uuid in one call. */
export const UsersByUuidsBody = Type.Object(
  { uuids: Type.Array(Uuid, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
)
export type UsersByUuidsBody = Static<typeof UsersByUuidsBody>

export const UsersByUuidsResponse = Type.Object(
  { users: Type.Array(InternalUser) },
  { additionalProperties: false },
)
export type UsersByUuidsResponse = Static<typeof UsersByUuidsResponse>

/** A conflict found by the Cognito sync, reported by name and never applied. */
export const SyncConflict = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('duplicate_handle'),
      Type.Literal('email_taken'),
      Type.Literal('missing_preferred_username'),
      Type.Literal('sub_taken'),
      Type.Literal('missing_email'),
      Type.Literal('missing_sub'),
      Type.Literal('concurrent_change'),
      Type.Literal('email_mismatch'),
      Type.Literal('unverified'),
      Type.Literal('disabled'),
      Type.Literal('invalid_handle'),
      Type.Literal('invalid_display_name'),
    ]),
    username: Type.String({ description: 'Cognito username' }),
    handle: Type.Union([Type.String(), Type.Null()]),
    detail: Type.String(),
  },
  { additionalProperties: false },
)
export type SyncConflict = Static<typeof SyncConflict>

export const SyncReport = Type.Object(
  {
    dryRun: Type.Boolean(),
    pages: Type.Integer(),
    cognitoUsers: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    orphaned: Type.Integer(),
    conflicts: Type.Integer(),
    orphans: Type.Array(Type.Object({ handle: Type.String(), cognito_user_id: Type.String() })),
    conflictDetails: Type.Array(SyncConflict),
    sqlStatements: Type.Integer({ description: 'SQL statements the sync issued' }),
    durationMs: Type.Number(),
  },
  { additionalProperties: false },
)
export type SyncReport = Static<typeof SyncReport>

export const SyncQuery = Type.Object(
  { dry_run: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
)
export type SyncQuery = Static<typeof SyncQuery>

/** The Cognito PostConfirmation trigger event, as Cognito hands it to a Lambda. */
export const PostConfirmationEvent = Type.Object(
  {
    version: Type.Optional(Type.String()),
    region: Type.Optional(Type.String()),
    userPoolId: Type.Optional(Type.String()),
    userName: Type.String({ minLength: 1 }),
    triggerSource: Type.String({ minLength: 1 }),
    callerContext: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    request: Type.Object({
      userAttributes: Type.Object({
        sub: Type.String({ minLength: 1, maxLength: 128, pattern: NO_NUL }),
        email: Type.String({ minLength: 3, maxLength: 320, pattern: NO_NUL }),
        name: Type.String({ minLength: 1, maxLength: 256, pattern: NO_NUL }),
        preferred_username: Type.String({ minLength: 1, maxLength: 64, pattern: NO_NUL }),
      }),
    }),
    response: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
)
export type PostConfirmationEvent = Static<typeof PostConfirmationEvent>
