import { PassThrough, type Readable } from 'node:stream'
import type { FastifyBaseLogger } from 'fastify'

/**
 * The event streams this gateway is relaying right now. Each is the service's response body
 * piped into a stream of our own, so the gateway can end the client's side cleanly (a
 * complete chunked response, not a reset) when the service's side fails or when the gateway
 * shuts down. An event cut in half is never dispatched by an SSE client, so its id is not
 * taken either: the client reconnects from the last whole event and is owed the rest.
 */
export class OpenStreams {
  private readonly open = new Set<() => void>()
  private closing = false

  /** The body to send the client; it ends when the service's side ends, fails or `endAll` runs. */
  relay(upstream: Readable, log: FastifyBaseLogger): Readable {
    const out = new PassThrough()
    let done = false
    const finish = () => {
      if (done) return
      done = true
      this.open.delete(finish)
      upstream.unpipe(out)
      // Closes the request to the service (its connection is not reused mid-body).
      upstream.destroy()
      out.end()
    }
    upstream.on('error', (err) => {
      log.warn({ err }, 'event stream from the service ended with an error; ending the client’s side')
      finish()
    })
    // The client hung up (fastify destroys `out`), or the service ended the stream (`out` ends
    // after it): either way nothing is left to relay.
    out.on('close', finish)
    upstream.pipe(out)
    this.open.add(finish)
    // A stream whose service answered after shutdown began would hold the close up again.
    if (this.closing) finish()
    return out
  }

  /**
   * Ends every stream (shutdown). Their clients reconnect, to another instance behind the load
   * balancer, and resume from their last event id; without this a gateway's close would wait
   * for streams that never end by themselves.
   */
  endAll(): void {
    this.closing = true
    for (const finish of [...this.open]) finish()
  }
}
