import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { UpstreamName } from '../proxy/index.js'

/** Throws unless the service's own /ready answers 200 (health.ts bounds the wait). */
async function ready(base: string): Promise<void> {
  const res = await fetch(new URL('/ready', base), { signal: AbortSignal.timeout(2_000) })
  await res.body?.cancel()
  if (res.status !== 200) throw new Error(`/ready answered ${res.status}`)
}

/** The gateway is ready when both services behind it say they are: /ready names the one that is not. */
export default fp(
  async (fastify: FastifyInstance) => {
    const upstreams: Record<UpstreamName, string> = {
      'user-service': fastify.config.USER_SERVICE_URL,
      'messaging-service': fastify.config.MESSAGING_SERVICE_URL,
    }
    for (const [name, base] of Object.entries(upstreams))
      fastify.readinessChecks.push({ name, check: () => ready(base) })
  },
  { name: 'upstream-readiness', dependencies: ['config', 'health'] },
)
