import { unauthorized } from '@cruddur/service-kit'
import { CognitoJwtVerifier } from 'aws-jwt-verify'
import { FetchError } from 'aws-jwt-verify/error'
import type { Fetcher } from 'aws-jwt-verify/https'
import { SimpleJwksCache } from 'aws-jwt-verify/jwk'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { VerifiedTokens } from '../auth/verified-tokens.js'
import { DependencyUnavailableError } from '../conversations/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for protected routes: verifies the bearer token and sets `request.sub`. */
    authenticate: (request: FastifyRequest) => Promise<void>
  }
  interface FastifyRequest {
    /** The caller's Cognito `sub` (set by `authenticate`). */
    sub: string
  }
}

class JwksUnavailableError extends Error {}

/** Cognito's `sub` is a UUID; anything else in a validly signed token is a malformed claim. */
const COGNITO_SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Fetches the JWKS from COGNITO_JWKS_URL whatever URI the verifier derived from the pool id
 * (the issuer stays the AWS one, which cognito-local is configured to use). The verifier keeps
 * caching by its own URI, and its penalty box still rate-limits refetches for unknown kids.
 */
export function overrideJwksFetcher(jwksUrl: string, timeoutMs = 2_000): Fetcher {
  return {
    async fetch() {
      let res: Response
      try {
        res = await fetch(jwksUrl, { signal: AbortSignal.timeout(timeoutMs) })
      } catch (err) {
        throw new JwksUnavailableError(`JWKS fetch from ${jwksUrl} failed`, { cause: err })
      }
      if (!res.ok) throw new JwksUnavailableError(`JWKS fetch from ${jwksUrl} answered ${res.status}`)
      return res.arrayBuffer()
    },
  }
}

/**
 * Verifies Cognito access tokens with aws-jwt-verify: signature against the pool's JWKS,
 * expiry, issuer, token_use = access and client_id, then a `sub` that is a UUID. Any failure is a
 * 401 `unauthorized`; an unreachable JWKS is a dependency outage (the token may be fine, Cognito
 * is not). A token verified once is believed again until it expires (at most MAX_TRUST_MS),
 * without redoing the signature check: the same client sends the same token on every request.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    const { COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_JWKS_URL } = fastify.config
    const verifier = CognitoJwtVerifier.create(
      { userPoolId: COGNITO_USER_POOL_ID, tokenUse: 'access', clientId: COGNITO_CLIENT_ID },
      COGNITO_JWKS_URL
        ? { jwksCache: new SimpleJwksCache({ fetcher: overrideJwksFetcher(COGNITO_JWKS_URL) }) }
        : undefined,
    )
    const verified = new VerifiedTokens()
    fastify.decorateRequest('sub', '')
    fastify.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization
      const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null
      const token = match?.[1]
      if (!token) throw unauthorized()
      const known = verified.get(token)
      if (known) {
        request.sub = known
        return
      }
      let sub: unknown
      let exp: unknown
      try {
        ;({ sub, exp } = await verifier.verify(token))
      } catch (err) {
        if (err instanceof JwksUnavailableError || (err instanceof FetchError && !COGNITO_JWKS_URL)) {
          throw new DependencyUnavailableError('cognito (JWKS)', { cause: err })
        }
        request.log.info({ reason: (err as Error).name }, 'token rejected')
        throw unauthorized()
      }
      // Signed by the pool but not shaped like its tokens (an empty or made-up sub): no identity.
      if (typeof sub !== 'string' || !COGNITO_SUB.test(sub)) {
        request.log.info({ reason: 'malformed sub claim' }, 'token rejected')
        throw unauthorized()
      }
      if (typeof exp === 'number') verified.remember(token, sub, exp)
      request.sub = sub
    })
  },
  { name: 'auth', dependencies: ['config'] },
)
