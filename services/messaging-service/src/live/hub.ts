/** An open stream as the hub sees it: it can be told to end, with a hint of when to come back. */
export interface OpenStream {
  end(retryMs: number): void
}

/**
 * The streams open on this instance: ended all at once when the instance shuts down or the bus
 * can no longer promise delivery. Each ends with a `retry:` hint; its client reconnects (to this
 * or another instance) with its last event id and catches up from the table.
 */
export class StreamHub {
  private readonly open = new Set<OpenStream>()

  add(stream: OpenStream): () => void {
    this.open.add(stream)
    return () => this.open.delete(stream)
  }

  get size(): number {
    return this.open.size
  }

  endAll(retryMs: number): number {
    const ended = [...this.open]
    this.open.clear()
    for (const stream of ended) stream.end(retryMs)
    return ended.length
  }
}
