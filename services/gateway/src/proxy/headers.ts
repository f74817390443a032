import type { IncomingHttpHeaders, OutgoingHttpHeader } from 'node:http'

/** Hop-by-hop headers (RFC 9110 7.6.1): they describe one connection and never cross a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/** Service-to-service credentials: a client never gets to hand one to a service through us. */
const SERVICE_ONLY = new Set(['x-internal-token'])

/**
 * What a service receives: the client's headers as sent, minus hop-by-hop and service-only
 * ones, with the gateway's request id (the client's only when it was well-formed) and the
 * client's address appended to x-forwarded-for. A GET or HEAD carries no body upstream, so it
 * carries no body framing either. An event stream is asked for uncompressed: a compressor
 * holds bytes back until it has enough to work on, and an event must leave when it is sent.
 */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  context: { requestId: string; clientIp: string; method: string; eventStream?: boolean },
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (HOP_BY_HOP.has(name) || SERVICE_ONLY.has(name)) continue
    out[name] = value
  }
  if (context.method === 'GET' || context.method === 'HEAD') delete out['content-length']
  // `identity`, not absent: no Accept-Encoding at all means any coding is acceptable (RFC 9110).
  if (context.eventStream) out['accept-encoding'] = 'identity'
  const forwarded = headers['x-forwarded-for']
  out['x-forwarded-for'] = forwarded ? `${forwarded}, ${context.clientIp}` : context.clientIp
  out['x-request-id'] = context.requestId
  return out
}

/** Merges comma-separated Vary lists, case-insensitively, keeping the first spelling. */
function mergeVary(...values: Array<OutgoingHttpHeader | undefined>): string | undefined {
  const seen = new Map<string, string>()
  for (const value of values) {
    if (value === undefined) continue
    for (const token of String(value).split(',')) {
      const t = token.trim()
      if (t && !seen.has(t.toLowerCase())) seen.set(t.toLowerCase(), t)
    }
  }
  return seen.size > 0 ? [...seen.values()].join(', ') : undefined
}

/**
 * What the client receives: the service's headers unchanged (x-next-cursor, content-type,
 * Retry-After, …) except hop-by-hop ones and the service's own CORS answer. CORS is decided
 * once, here at the gateway, so a service's grant for its own FRONTEND_URL never leaks
 * through; Vary keeps the gateway's `Origin` besides whatever the service varies on. The
 * request id is set by the gateway's own response hook.
 */
export function clientResponseHeaders(
  upstream: IncomingHttpHeaders,
  gatewayVary: OutgoingHttpHeader | undefined,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(upstream)) {
    if (HOP_BY_HOP.has(name) || name.startsWith('access-control-') || name === 'x-request-id') continue
    if (name === 'vary') continue
    out[name] = value
  }
  const vary = mergeVary(gatewayVary, upstream.vary)
  if (vary) out.vary = vary
  return out
}
