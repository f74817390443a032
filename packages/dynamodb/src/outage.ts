/** Error names that mean the engine cannot serve right now, not that the request was wrong. */
const UNAVAILABLE_NAMES = new Set([
  'ResourceNotFoundException', // table missing: the engine is not set up, not the caller's fault
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'AbortError',
])

/**
 * True when an SDK error means DynamoDB is down, slow, throttling or not set up: a socket error
 * (a Node error code and no service fault), a server fault, or one of the names above. Anything
 * else (a validation error, a condition that failed) is the caller's business.
 */
export function isEngineOutage(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const e = err as { name?: string; code?: unknown; $fault?: string }
  const network = typeof e.code === 'string' && !e.$fault
  return network || e.$fault === 'server' || (e.name !== undefined && UNAVAILABLE_NAMES.has(e.name))
}
