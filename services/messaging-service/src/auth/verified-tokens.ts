import { createHash } from 'node:crypto'

/** What a verified access token said, and until when that may be believed. */
interface Verified {
  sub: string
  /** ms since the epoch: the token's own expiry, or sooner (see MAX_TRUST_MS). */
  until: number
}

/**
 * A verified token is believed again for at most this long without checking its signature: if
 * the pool drops a signing key (a compromised one), tokens signed with it stop working within
 * this time, not only when they expire (Cognito access tokens live up to a day).
 */
export const MAX_TRUST_MS = 5 * 60_000

/**
 * Access tokens this process has verified (signature, expiry, issuer, client, token use), so a
 * client that sends the same token on every request pays for the signature check once. Keyed by
 * the SHA-256 of the exact token, so only the very same bytes hit (a token with one character
 * changed is a miss and is verified in full); failures are never remembered. Bounded: the least
 * recently used entry goes first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Verified>()

  constructor(
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The token's `sub` while it is still to be believed; undefined when it must be verified. */
  get(token: string): string | undefined {
    const key = keyOf(token)
    const hit = this.entries.get(key)
    if (!hit) return undefined
    this.entries.delete(key)
    if (this.now() >= hit.until) return undefined
    this.entries.set(key, hit) // most recently used last
    return hit.sub
  }

  /** Remembers a verified token; `expSeconds` is its `exp` claim. */
  remember(token: string, sub: string, expSeconds: number): void {
    const now = this.now()
    const until = Math.min(expSeconds * 1000, now + MAX_TRUST_MS)
    if (!(until > now)) return
    const key = keyOf(token)
    this.entries.delete(key)
    this.entries.set(key, { sub, until })
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }

  get size(): number {
    return this.entries.size
  }
}

const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url')
