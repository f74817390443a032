import type { Test } from 'tap'

/** What of a built Fastify app these checks use. */
interface Injectable {
  inject(request: { method: 'GET'; url: string }): Promise<{ statusCode: number; json(): unknown }>
}

export interface HealthChecks {
  /** Builds the service's app for one test, with environment overrides; closed at its teardown. */
  build(t: Test, overrides?: Record<string, string>): Promise<Injectable>
  /** The engine /ready asks (its key in `checks`, and what a 503 names). */
  engine: string
  /** The overrides that point the engine at a port nothing listens on (a stopped engine). */
  unreachable: Record<string, string>
}

/**
 * The health and readiness contract every service keeps: /health answers 200 without asking
 * an engine, /ready asks its engine for real, and a missing engine is a prompt 503 (not a hang,
 * not a 500) naming it.
 */
export function testHealthAndReadiness(t: Test, { build, engine, unreachable }: HealthChecks) {
  t.test('GET /health answers 200', async (t) => {
    const res = await (await build(t, unreachable)).inject({ method: 'GET', url: '/health' })
    t.equal(res.statusCode, 200, 'even with the engine down: nothing is asked')
    t.same(res.json(), { status: 'ok' })
  })

  t.test(`GET /ready asks ${engine} for real`, async (t) => {
    const res = await (await build(t)).inject({ method: 'GET', url: '/ready' })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { status: 'ready', checks: { [engine]: 'ok' } })
  })

  t.test(`GET /ready answers 503 quickly when ${engine} does not answer`, async (t) => {
    const app = await build(t, unreachable)
    const started = Date.now()
    const res = await app.inject({ method: 'GET', url: '/ready' })
    t.equal(res.statusCode, 503)
    t.match(res.json(), { statusCode: 503, errors: ['dependency_unavailable'], message: new RegExp(engine) })
    t.ok(Date.now() - started < 5_000, 'answers within the readiness timeout')
  })
}
