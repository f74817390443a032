import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** CORS for the web client, exactly as CONTRACT.md section 3 lists it. */
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
      exposedHeaders: ['x-next-cursor'],
      maxAge: 600,
    })
  },
  { name: 'cors' },
)
