/** The two services behind the gateway. */
export type UpstreamName = 'user-service' | 'messaging-service'

export interface UpstreamTimeouts {
  /** TCP connect to an upstream. */
  connectMs: number
  /** Until an upstream's response headers, and the longest pause inside an ordinary response body. */
  responseMs: number
  /**
   * The longest silence on an event stream before its upstream is taken for gone. The stream
   * sends a comment line at least every 20 s, so three missed pings and some slack.
   */
  streamIdleMs: number
}

/**
 * Longer than the services' own worst case for a dependency (each answers 503 itself within a
 * few seconds), so their answer is what the client sees; shorter than the client's patience.
 */
export const DEFAULT_TIMEOUTS: UpstreamTimeouts = {
  connectMs: 2_000,
  responseMs: 15_000,
  streamIdleMs: 75_000,
}

/**
 * undici pool options for one upstream: keep-alive connections reused across requests. Event
 * streams get their own pool, without a connection cap (each open stream holds one connection
 * for its lifetime and must not queue the ordinary requests) and with the idle timeout instead
 * of the response timeout between chunks.
 */
export function poolOptions(timeouts: UpstreamTimeouts, kind: 'api' | 'stream') {
  return {
    connections: kind === 'stream' ? null : 128,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    connectTimeout: timeouts.connectMs,
    headersTimeout: timeouts.responseMs,
    bodyTimeout: kind === 'stream' ? timeouts.streamIdleMs : timeouts.responseMs,
  }
}
