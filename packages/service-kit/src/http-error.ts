import type { ErrorCode } from '@cruddur/types'

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export const reasonPhrase = (status: number) => REASONS[status] ?? (status >= 500 ? 'Server Error' : 'Error')

/**
 * An error the API answers on purpose, with the status and codes of docs/api.md (Errors).
 * Anything else that reaches the error handler is a bug and answers a bare 500.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly codes: ErrorCode[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'HttpError'
  }
}

export const badRequest = (code: ErrorCode, message: string) => new HttpError(400, [code], message)
export const unauthorized = (message = 'Missing or invalid access token') =>
  new HttpError(401, ['unauthorized'], message)
export const forbidden = (code: ErrorCode, message: string) => new HttpError(403, [code], message)
export const notFound = (code: ErrorCode, message: string) => new HttpError(404, [code], message)
export const conflict = (code: ErrorCode, message: string) => new HttpError(409, [code], message)
export const unprocessable = (code: ErrorCode, message: string) => new HttpError(422, [code], message)
export const dependencyUnavailable = (dependency: string, cause?: unknown) =>
  new HttpError(503, ['dependency_unavailable'], `${dependency} is unavailable, try again shortly`, { cause })
