/**
 * The live part of the messaging-service: the event bus, the throttle and the streams. Their
 * Redis versions are in ./redis.js, loaded only when REDIS_URL is set (ioredis is about 20 MiB
 * of an instance's memory that the embedded default never uses).
 */
export { type BusDownListener, BusUnavailableError, type EventBus, type EventListener } from './bus.js'
export { StreamHub } from './hub.js'
export { createLocalBus } from './local-bus.js'
export { openStream, type Streams } from './open-stream.js'
export { CLOCK_TOLERANCE_MS, decodeToken, RESUME_WINDOW_MS, type ResumeToken } from './resume-token.js'
export { type StreamOutput, StreamSession, type StreamSource } from './stream-session.js'
export { createLocalThrottle, type Throttle } from './throttle.js'
export { createTickets, TICKET_LIFETIME_MS, type Tickets } from './tickets.js'
