import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import postgres from 'postgres'

export type Sql = postgres.Sql

declare module 'fastify' {
  interface FastifyInstance {
    sql: Sql
  }
}

/**
 * The `postgres` client, shared by every repository. It connects lazily and reconnects by
 * itself after a server restart; bounded timeouts turn an unreachable database into a 503.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    const sql = postgres(fastify.config.DATABASE_URL, {
      max: 10,
      idle_timeout: 30,
      connect_timeout: 5,
      onnotice: () => {},
      connection: { application_name: 'cruddur-user-service', statement_timeout: 10_000 },
    })
    fastify.decorate('sql', sql)
    fastify.readinessChecks.push({ name: 'postgres', check: () => sql`select 1` })
    fastify.addHook('onClose', async () => {
      await sql.end({ timeout: 5 })
    })
  },
  { name: 'postgres', dependencies: ['config', 'health'] },
)
