import { ErrorBody, Health, Ready } from '@cruddur/types'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface ReadinessCheck {
  name: string
  check: () => Promise<unknown>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Plugins that own an engine or a dependency add a check here; /ready runs them all. */
    readinessChecks: ReadinessCheck[]
  }
}

const CHECK_TIMEOUT_MS = 2_000

async function runCheck(check: ReadinessCheck): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)
  })
  try {
    await Promise.race([check.check(), timeout])
    return 'ok'
  } catch {
    return 'down'
  } finally {
    clearTimeout(timer)
  }
}

/** `GET /health`: the process answers. `GET /ready`: every engine it needs answers, within 2 s each. */
export const healthPlugin = fp(
  async (fastify: FastifyInstance) => {
    fastify.decorate('readinessChecks', [])
    fastify.get(
      '/health',
      { schema: { tags: ['ops'], summary: 'Liveness: the process answers', response: { 200: Health } } },
      async () => ({ status: 'ok' as const }),
    )
    fastify.get(
      '/ready',
      {
        schema: {
          tags: ['ops'],
          summary: 'Readiness: its database/engine answers',
          response: { 200: Ready, 503: ErrorBody },
        },
        logLevel: 'warn',
      },
      async (request, reply) => {
        const results = await Promise.all(
          fastify.readinessChecks.map(async (c) => [c.name, await runCheck(c)] as const),
        )
        const down = results.filter(([, state]) => state === 'down').map(([name]) => name)
        if (down.length > 0) {
          request.log.warn({ down }, 'not ready')
          return reply.code(503).send({
            statusCode: 503,
            error: 'Service Unavailable',
            message: `Not ready: ${down.join(', ')} not answering`,
            errors: ['dependency_unavailable'],
          })
        }
        return { status: 'ready' as const, checks: Object.fromEntries(results) }
      },
    )
  },
  { name: 'health' },
)
