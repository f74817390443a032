/**
 * TEST ONLY — the gateway (services/gateway) replaces this once it exists: one origin that serves
 * the built page (dist/), `/web-config.json`, and forwards `/api/users/*` to user-service and
 * every other `/api/*` to messaging-service, streaming answers through unbuffered (so
 * text/event-stream works). Nothing else: no CORS, no caching rules, no `/internal/`.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { WebConfig } from '@cruddur/types'
import type { Test } from 'tap'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

export interface WebServerOptions {
  root: string
  config: WebConfig
  userServiceUrl: string
  messagingServiceUrl: string
}

function forward(req: http.IncomingMessage, res: http.ServerResponse, upstream: string) {
  const target = new URL(req.url ?? '/', upstream)
  const proxied = http.request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  proxied.on('error', () => {
    if (res.headersSent) return res.destroy()
    res.writeHead(503, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'upstream down',
        errors: ['dependency_unavailable'],
      }),
    )
  })
  req.pipe(proxied)
  res.on('close', () => proxied.destroy())
}

async function serveFile(root: string, urlPath: string, res: http.ServerResponse) {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    decoded = '/'
  }
  const wanted = path.normalize(path.join(root, decoded))
  const file = wanted.startsWith(root) && (await stat(wanted).catch(() => null))?.isFile() ? wanted : null
  const chosen = file ?? path.join(root, 'index.html')
  res.writeHead(200, { 'content-type': TYPES[path.extname(chosen)] ?? 'application/octet-stream' })
  createReadStream(chosen).pipe(res)
}

export async function startWebServer(t: Test, options: WebServerOptions): Promise<string> {
  const root = path.resolve(options.root)
  const server = http.createServer((req, res) => {
    const urlPath = (req.url ?? '/').split('?')[0] ?? '/'
    if (urlPath === '/web-config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      return res.end(JSON.stringify(options.config))
    }
    if (urlPath.startsWith('/api/users/')) return forward(req, res, options.userServiceUrl)
    if (urlPath.startsWith('/api/')) return forward(req, res, options.messagingServiceUrl)
    void serveFile(root, urlPath, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
