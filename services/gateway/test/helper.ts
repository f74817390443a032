import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { serverOptions } from '@cruddur/service-kit'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Test } from 'tap'
import app from '../src/app.js'
import type { UpstreamTimeouts } from '../src/proxy/upstreams.js'

/** A port nothing listens on (bound, read, released). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((r) => server.close(r))
  return `http://127.0.0.1:${port}`
}

export interface GatewayOptions {
  userServiceUrl: string
  messagingServiceUrl: string
  frontendUrl?: string
  timeouts?: Partial<UpstreamTimeouts>
  /** Server options on top of the production ones (e.g. short socket timeouts). */
  fastify?: FastifyServerOptions
  /** Collects every log line (JSON) when given. */
  logLines?: string[]
  /** More environment (e.g. the web page's pool and demo accounts). */
  env?: Record<string, string>
  /** Where the built web page is (default: `@cruddur/web`'s dist/). */
  webRoot?: string
}

/** The gateway built from app.ts with the production server options, listening on a free port. */
export async function startGateway(
  t: Test,
  options: GatewayOptions,
): Promise<{ app: FastifyInstance; url: string }> {
  const base = serverOptions('gateway')
  const logger = options.logLines
    ? {
        ...(base.logger as object),
        level: 'info',
        stream: { write: (line: string) => options.logLines?.push(line) },
      }
    : false
  const fastify = Fastify({ ...base, logger, ...options.fastify })
  await fastify.register(app, {
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      USER_SERVICE_URL: options.userServiceUrl,
      MESSAGING_SERVICE_URL: options.messagingServiceUrl,
      FRONTEND_URL: options.frontendUrl ?? 'http://localhost:3000',
      ...options.env,
    },
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  })
  await fastify.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => fastify.close())
  const { port } = fastify.server.address() as AddressInfo
  return { app: fastify, url: `http://127.0.0.1:${port}` }
}

export interface Received {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export type UpstreamHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void

/**
 * A stand-in service that records every request it receives (method, raw URL, headers, body
 * bytes) and answers with `handler` (by default 200 `{"upstream":name}` with a few headers a
 * real service sends: x-next-cursor, its own CORS grant, keep-alive).
 */
export async function recordingUpstream(t: Test, name: string, handler?: UpstreamHandler) {
  const received: Received[] = []
  const answer: UpstreamHandler =
    handler ??
    ((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'x-next-cursor': 'cursor-from-upstream',
        'access-control-allow-origin': '*',
        'x-upstream': name,
      })
      res.end(JSON.stringify({ upstream: name }))
    })
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      answer(req, res, body)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, received, server }
}
