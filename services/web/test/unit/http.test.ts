import http from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { ApiError, request } from '../../src/api/http.js'

// The page calls relative /api/... paths; here the same code runs against a real local server.
const server = http.createServer((req, res) => {
  const send = (status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-next-cursor': 'abc' })
    res.end(body === undefined ? undefined : JSON.stringify(body))
  }
  if (req.url === '/ok') {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () =>
      send(200, { auth: req.headers.authorization ?? null, body, key: req.headers['x-key'] ?? null }),
    )
    return
  }
  if (req.url === '/empty') return send(204)
  if (req.url === '/refused')
    return send(404, { statusCode: 404, error: 'Not Found', message: 'x', errors: ['user_not_found'] })
  res.writeHead(502, { 'content-type': 'text/html' })
  res.end('<h1>Bad gateway</h1>')
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
t.teardown(() => server.close())
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

t.test('a success returns its body and headers; the token and body are sent', async (t) => {
  const res = await request<{ auth: string; body: string; key: string }>(`${base}/ok`, {
    method: 'POST',
    token: 'tok',
    body: { a: 1 },
    headers: { 'x-key': 'k1' },
  })
  t.same(res.data, { auth: 'Bearer tok', body: '{"a":1}', key: 'k1' })
  t.equal(res.headers.get('x-next-cursor'), 'abc')
  t.equal((await request(`${base}/empty`)).data, undefined, '204: no body')
})

t.test('an error answer becomes an ApiError with its codes, in words', async (t) => {
  const e = await request(`${base}/refused`).catch((err: unknown) => err)
  t.ok(e instanceof ApiError)
  t.same((e as ApiError).codes, ['user_not_found'])
  t.equal((e as ApiError).message, 'Nobody has that handle. Check the spelling.')
  const odd = (await request(`${base}/other`).catch((err: unknown) => err)) as ApiError
  t.same([odd.status, odd.codes], [502, []], 'a body that is not the error shape: by status')
})

t.test('no answer at all is a network error; an abort stays an abort', async (t) => {
  const e = (await request('http://127.0.0.1:9/x').catch((err: unknown) => err)) as ApiError
  t.same([e.status, e.codes], [0, ['network']])
  const aborted = await request(`${base}/ok`, { signal: AbortSignal.abort() }).catch((err: unknown) => err)
  t.equal((aborted as Error).name, 'AbortError')
})
