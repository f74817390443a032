/**
 * The user directory: the one door of user-service between its routes (and its tools, and the
 * benchmark) and the engines (PostgreSQL, Cognito). Use cases take plain inputs and return plain
 * results; what goes wrong is a domain error (errors.ts), answered over HTTP in routes/error-answers.ts.
 */
import type { Sql } from 'postgres'
import type { CognitoPool } from '../cognito/client.js'
import { cognitoUserPages } from '../cognito/pages.js'
import { internalByHandle, internalBySub, internalByUuids, shortByHandle } from './lookups.js'
import { poolPages } from './outage.js'
import { signUp } from './sign-up.js'
import { syncCognitoUsers } from './sync.js'

export { type CognitoPool, cognitoClient } from '../cognito/client.js'
export { COGNITO_PAGE_SIZE, type CognitoUserRecord, cognitoUserPages, toRecord } from '../cognito/pages.js'
export * from './errors.js'
export { type CognitoIdentity, type LinkRefusal, linkRefusal } from './identity.js'
export * from './lookups.js'
export * from './maintenance.js'
export * from './migrate.js'
export { guard, poolPages } from './outage.js'
export type { NewCognitoUser, NewUser, SyncRow, SyncUpdate } from './rows.js'
export * from './rules.js'
export { type SignUpResult, signUp, signUpFromEvent } from './sign-up.js'
export { type SyncOptions, syncCognitoUsers } from './sync.js'
export { newSyncState, type PagePlan, planPage, type SyncState } from './sync-plan.js'

/** The directory bound to the service's database and pool: what `fastify.directory` is. */
export function createDirectory({ sql, cognito }: { sql: Sql; cognito: CognitoPool }) {
  return {
    shortByHandle: (handle: string) => shortByHandle(sql, handle),
    internalByHandle: (handle: string) => internalByHandle(sql, handle),
    internalBySub: (sub: string) => internalBySub(sql, sub),
    internalByUuids: (uuids: readonly string[]) => internalByUuids(sql, uuids),
    signUp: (event: Parameters<typeof signUp>[1]) => signUp(sql, event),
    /** Every page of the pool; a pool that cannot be read is an outage of Cognito. */
    sync: (options: { dryRun: boolean }) =>
      syncCognitoUsers({
        sql,
        pages: poolPages(cognitoUserPages(cognito.client, cognito.userPoolId)),
        dryRun: options.dryRun,
      }),
  }
}

export type Directory = ReturnType<typeof createDirectory>
