/**
 * The gateway's one door below the routes: which paths may be forwarded, where to, with which
 * headers, timeouts and socket pools, and the event streams being relayed.
 */
export { OpenStreams } from './event-streams.js'
export { clientResponseHeaders, upstreamRequestHeaders } from './headers.js'
export { isRoutablePath } from './paths.js'
export { DEFAULT_TIMEOUTS, poolOptions, type UpstreamName, type UpstreamTimeouts } from './upstreams.js'
