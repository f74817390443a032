import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpError } from '@cruddur/service-kit'
import t, { type Test } from 'tap'
import { createUserServiceClient } from '../src/clients/user-service.js'
import { httpAnswer } from '../src/routes/error-answers.js'

// The client's transport behaviour (retry, timeout, cache, headers) against a small HTTP peer
// whose failures we control; the real user-service is exercised in api.test.ts.
async function peer(t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  server.closeIdleConnections?.()
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const user = (sub: string) => ({
  uuid: randomUUID(),
  handle: 'someone',
  display_name: 'Some One',
  cognito_user_id: sub,
})

t.test('sends the internal token and request id, caches sub lookups', async (t) => {
  const seen: IncomingMessage[] = []
  const sub = randomUUID()
  const found = user(sub)
  const url = await peer(t, (req, res) => {
    seen.push(req)
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(found))
  })
  const client = createUserServiceClient({ baseUrl: url, internalToken: 'x'.repeat(32) })
  t.same(await client.bySub(sub, 'req-1'), found)
  t.same(await client.bySub(sub, 'req-2'), found)
  t.equal(seen.length, 1, 'the second lookup came from the cache')
  t.equal(seen[0]?.headers['x-internal-token'], 'x'.repeat(32))
  t.equal(seen[0]?.headers['x-request-id'], 'req-1')
  const other = randomUUID()
  const burst = await Promise.all(Array.from({ length: 20 }, () => client.bySub(other)))
  t.equal(seen.length, 2, 'a burst of lookups for one sub asks once')
  t.equal(new Set(burst.map((u) => u?.uuid)).size, 1)
  const byUuid = await client.byUuids([found.uuid, found.uuid])
  t.same([...byUuid.keys()], [found.uuid], 'uuid lookups are cached from the sub lookup')
  t.equal(seen.length, 2)
})

t.test('one retry when the connection drops, then success', async (t) => {
  let calls = 0
  const sub = randomUUID()
  const url = await peer(t, (req, res) => {
    calls++
    if (calls === 1) {
      req.socket.destroy()
      return
    }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(user(sub)))
  })
  const client = createUserServiceClient({ baseUrl: url, internalToken: 'x'.repeat(32), cacheTtlMs: 0 })
  t.match(await client.bySub(sub), { cognito_user_id: sub })
  t.equal(calls, 2)
})

t.test('a hanging user-service is a 503 after the timeout, not a hang', async (t) => {
  const url = await peer(t, () => {})
  const client = createUserServiceClient({ baseUrl: url, internalToken: 'x'.repeat(32), timeoutMs: 300 })
  const started = Date.now()
  const failed = await client.bySub(randomUUID()).catch((e: unknown) => e)
  t.match(
    httpAnswer(failed),
    new HttpError(503, ['dependency_unavailable'], 'user-service is unavailable, try again shortly'),
  )
  t.ok(Date.now() - started < 2_000, 'timeouts are not retried')
})

t.test('5xx and a refused token are 503s; 404 is "unknown"', async (t) => {
  const url = await peer(t, (req, res) => {
    res.statusCode = req.url?.includes('by-sub') ? 500 : req.url?.includes('batch') ? 401 : 404
    res.end('{}')
  })
  const client = createUserServiceClient({ baseUrl: url, internalToken: 'x'.repeat(32) })
  for (const failed of [
    httpAnswer(await client.bySub('abc').catch((e) => e)),
    httpAnswer(await client.byUuids([randomUUID()]).catch((e) => e)),
  ]) {
    t.ok(failed instanceof HttpError)
    t.equal((failed as HttpError).statusCode, 503)
    t.same((failed as HttpError).codes, ['dependency_unavailable'])
  }
  t.equal(await client.byHandle('nobody'), null)
})
