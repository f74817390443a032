import t from 'tap'
import { clientResponseHeaders, upstreamRequestHeaders } from '../src/proxy/headers.js'
import { isRoutablePath } from '../src/proxy/paths.js'
import { DEFAULT_TIMEOUTS, poolOptions } from '../src/proxy/upstreams.js'
import { forwardedRoutes } from '../src/routes/table.js'

/** Paths that name /internal or could be normalised into another path. */
const UNROUTABLE = [
  '/internal/users/by-handle/x',
  '/INTERNAL/users',
  '/internal',
  '/internal%2Fusers%2Fbatch',
  '/%69nternal/users/by-handle/x',
  '//internal/users/by-handle/x',
  '/api/../internal/users/batch',
  '/api/./messages',
  '/api/users/..%2F..%2Finternal/short',
  '/api/users/@..%2F..%2Finternal/short',
  '/api/messages/%2e%2e/%2E%2E/internal/users/batch',
  '/api/messages/%252e%252e/%252e%252e/internal',
  '/api/messages/%25252525252e',
  '/api/messages/..%5C..%5Cinternal',
  '/api/messages\\..\\internal',
  '/api/messages/%00',
  '/api/message_groups/..;/..;/internal/users/batch',
  '/api/messages/.;x/y',
  '/api/messages/%0d%0aX-Injected:1',
  '/api/messages/%zz',
  'internal/users',
]
/** The public API's paths. */
const ROUTABLE = [
  '/',
  '/health',
  '/api/users/@andrewbrown/short',
  '/api/users/@Andrew_Brown/short?x=1',
  '/api/message_groups?limit=2&cursor=abc%2F..%2F',
  '/api/messages/550e8400-e29b-41d4-a716-446655440000',
  '/api/messages/',
  '/api/stream?ticket=t.k-n',
  '/api/message_groups/550e8400-e29b-41d4-a716-446655440000/read',
  '/api/internal-looking-but-not-top-level',
]

t.test(
  'paths that name /internal or could be normalised into another path are not routable; the public API paths are',
  async (t) => {
    for (const path of UNROUTABLE) t.equal(isRoutablePath(path), false, path)
    for (const path of ROUTABLE) t.equal(isRoutablePath(path), true, path)
  },
)

t.test(
  'request headers: the client’s, minus hop-by-hop and service tokens, plus id and forwarded-for',
  async (t) => {
    const out = upstreamRequestHeaders(
      {
        host: 'upstream:4002',
        authorization: 'Bearer x',
        'idempotency-key': 'k1',
        'x-internal-token': 'stolen',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        'x-request-id': 'client-supplied',
        'x-forwarded-for': '10.0.0.1',
        'content-length': '12',
      },
      { requestId: 'gateway-id', clientIp: '127.0.0.1', method: 'POST' },
    )
    t.same(out, {
      host: 'upstream:4002',
      authorization: 'Bearer x',
      'idempotency-key': 'k1',
      'x-forwarded-for': '10.0.0.1, 127.0.0.1',
      'x-request-id': 'gateway-id',
      'content-length': '12',
    })
    const get = upstreamRequestHeaders(
      { 'content-length': '5' },
      { requestId: 'i', clientIp: '::1', method: 'GET' },
    )
    t.notOk('content-length' in get, 'a GET forwards no body, so no body length')
  },
)

t.test('response headers: the service’s, minus hop-by-hop and its CORS answer; Vary merged', async (t) => {
  const out = clientResponseHeaders(
    {
      'content-type': 'application/json',
      'x-next-cursor': 'c1',
      'retry-after': '1',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'x-next-cursor',
      connection: 'keep-alive',
      'keep-alive': 'timeout=72',
      'x-request-id': 'upstream-id',
      vary: 'origin, Accept-Encoding',
    },
    'Origin',
  )
  t.same(out, {
    'content-type': 'application/json',
    'x-next-cursor': 'c1',
    'retry-after': '1',
    vary: 'Origin, Accept-Encoding',
  })
  t.same(clientResponseHeaders({}, undefined), {}, 'no Vary when neither side varies')
})

t.test('route table: described routes win, catch-alls fill each prefix, streams only for GET', async (t) => {
  const routes = forwardedRoutes()
  const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`
  const keys = routes.map(key)
  t.equal(new Set(keys).size, keys.length, 'no method + path registered twice')
  for (const k of [
    'GET /api/users/@:handle/short',
    'GET /api/message_groups',
    'POST /api/message_groups',
    'GET /api/message_groups/*',
    'POST /api/messages',
    'GET /api/messages',
    'POST /api/messages/*',
    'GET /api/stream',
    'GET /api/stream/*',
    'POST /api/stream/ticket',
  ])
    t.ok(keys.includes(k), k)
  t.notOk(
    routes.some((r) => r.upstream === 'user-service' && r.url !== '/api/users/@:handle/short'),
    'nothing else of user-service',
  )
  t.same(routes.filter((r) => r.stream).map(key), ['GET /api/stream', 'GET /api/stream/*'])
  t.equal(poolOptions(DEFAULT_TIMEOUTS, 'stream').connections, null, 'streams never queue behind a cap')
  t.equal(poolOptions(DEFAULT_TIMEOUTS, 'stream').bodyTimeout, DEFAULT_TIMEOUTS.streamIdleMs)
  t.equal(poolOptions(DEFAULT_TIMEOUTS, 'api').bodyTimeout, DEFAULT_TIMEOUTS.responseMs)
})
