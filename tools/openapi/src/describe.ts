import Fastify from 'fastify'
import type { DescribedService } from './services.js'

/**
 * The OpenAPI document a service serves at /docs/json, built from its app plugin (no listen, no
 * engine), as stable JSON text: what docs/openapi/<name>.json holds.
 */
export async function describe(service: DescribedService): Promise<string> {
  const { default: app } = await service.load()
  const fastify = Fastify({ logger: false })
  try {
    await fastify.register(app, { env: service.env })
    const res = await fastify.inject({ method: 'GET', url: '/docs/json' })
    if (res.statusCode !== 200) throw new Error(`${service.name}: /docs/json answered ${res.statusCode}`)
    return `${JSON.stringify(res.json(), null, 2)}\n`
  } finally {
    await fastify.close()
  }
}
