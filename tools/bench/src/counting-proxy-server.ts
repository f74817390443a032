/**
 * A pass-through HTTP proxy that counts requests: in front of DynamoDB Local by X-Amz-Target,
 * in front of the user-service by method and path (ids replaced by :id), so the bench can count
 * the calls a *service process* makes without touching it.
 * Runs as its own process (its own event loop) so it does not steal the load generator's.
 * argv: <target endpoint>. Prints `listening <port>` once ready.
 * GET /__bench/counts → {"DynamoDB_20120810.Query": n, "GET /internal/users/by-sub/:id": n, ...};
 * POST /__bench/reset zeroes them.
 */
import http from 'node:http'
import { operationOf } from './proxy-operation.js'

const target = new URL(process.argv[2] ?? '')
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
let counts: Record<string, number> = {}

const server = http.createServer((req, res) => {
  if (req.url?.startsWith('/__bench/')) {
    if (req.url === '/__bench/reset') counts = {}
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(counts))
    return
  }
  const op = String(req.headers['x-amz-target'] ?? operationOf(req.method, req.url))
  counts[op] = (counts[op] ?? 0) + 1
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      agent,
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    },
  )
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502)
    res.end()
  })
  req.pipe(upstream)
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
