import type { CognitoUserRecord } from '../cognito/pages.js'
import { DependencyUnavailableError } from './errors.js'

/**
 * The one place where an engine's failure becomes an outage (a 503 for the routes, a plain
 * failure for the tools), so no statement or page loop decides it on its own.
 */

/** Errors that mean "the database is not there" (not "the query is wrong"): a 503, not a 500. */
const POSTGRES_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the database does not exist (yet)
  '57014', // query_canceled: statement_timeout
])

/** A statement, with "PostgreSQL is not there" told apart from every other failure. */
export async function guard<T>(query: Promise<T>): Promise<T> {
  try {
    return await query
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code && POSTGRES_UNAVAILABLE.has(code))
      throw new DependencyUnavailableError('PostgreSQL', { cause: error })
    throw error
  }
}

/**
 * The pool's pages, with any failure to read them (network, throttling, credentials, unknown
 * pool) turned into an outage of Cognito: the sync's own failures (Postgres) keep theirs.
 */
export async function* poolPages(
  pages: AsyncIterable<CognitoUserRecord[]>,
): AsyncGenerator<CognitoUserRecord[]> {
  const iterator = pages[Symbol.asyncIterator]()
  for (;;) {
    let next: IteratorResult<CognitoUserRecord[]>
    try {
      next = await iterator.next()
    } catch (error) {
      throw new DependencyUnavailableError('Cognito', { cause: error })
    }
    if (next.done) return
    yield next.value
  }
}
