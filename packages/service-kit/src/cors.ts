import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** CORS for the web client, as docs/api.md lists it (Browsers). */
export const corsPlugin = fp<{ frontendUrl: string }>(
  async (fastify: FastifyInstance, opts) => {
    const origins = opts.frontendUrl
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter(Boolean)
    await fastify.register(cors, {
      origin: origins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      // Retry-After: a 429 (the send limit) says when to try again; a browser client must be able to read it.
      exposedHeaders: ['x-next-cursor', 'retry-after'],
      maxAge: 600,
      // An OPTIONS without preflight headers is not a CORS request: let it reach the router
      // (404/405 in the contract's JSON shape) instead of a text/plain 400.
      strictPreflight: false,
    })
  },
  { name: 'cors' },
)
