import { HttpError } from './http-error.js'

// biome-ignore lint/suspicious/noExplicitAny: any error class, whatever its constructor takes
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E

/** One row of a service's table from domain errors to HTTP answers. */
export interface ErrorAnswer {
  type: ErrorClass<Error>
  toHttp: (err: Error) => HttpError
}

/** A row: errors of `type` (subclasses included) answer `toHttp(err)`. */
export const answer = <E extends Error>(type: ErrorClass<E>, toHttp: (err: E) => HttpError): ErrorAnswer => ({
  type,
  toHttp: toHttp as (err: Error) => HttpError,
})

/**
 * A service's one mapping from domain outcomes to HTTP answers: the first row whose type the
 * error is answers it; an HttpError, Fastify's own errors and bugs pass unchanged (the error
 * handler answers those).
 */
export function errorAnswers(rows: readonly ErrorAnswer[]): (err: unknown) => unknown {
  return (err) => {
    if (err instanceof HttpError) return err
    const row = rows.find((r) => err instanceof r.type)
    return row ? row.toHttp(err as Error) : err
  }
}
