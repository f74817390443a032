import closeWithGrace from 'close-with-grace'
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify'
import fp from 'fastify-plugin'
import { environment } from './config.js'
import { genReqId } from './request-id.js'

export interface RunServerOptions {
  name: string
  app: FastifyPluginAsync
  /** Milliseconds in-flight requests get after SIGTERM before the process exits anyway. */
  graceMs?: number
  fastify?: FastifyServerOptions
}

/**
 * One access line per request, written when it completes: method, url, status, time and the
 * request id (Fastify's default writes an extra "incoming request" line first).
 */
export class AccessLogController extends LogController {
  override incomingRequest(request: FastifyRequest) {
    if (!this.isLogDisabled(request)) request.log.debug('incoming request')
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply) {
    if (this.isLogDisabled(request)) return
    const line = {
      req: { method: request.method, url: request.url, remoteAddress: request.ip },
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime,
    }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}

export function serverOptions(name: string): FastifyServerOptions {
  const level = String(environment().LOG_LEVEL || 'info')
  return {
    logger: {
      level,
      base: { service: name },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-internal-token"]', 'req.headers.cookie'],
        censor: '[redacted]',
      },
    },
    logController: new AccessLogController(),
    // The id comes from genReqId alone, which keeps the caller's x-request-id only when it is safe.
    requestIdHeader: false,
    genReqId,
    bodyLimit: 64 * 1024,
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  }
}

/**
 * Owns the logger, timeouts, graceful shutdown and `listen`: the app plugin itself
 * never listens, so tests build it and use `inject`.
 */
export async function runServer(options: RunServerOptions): Promise<FastifyInstance> {
  const fastify = Fastify({ ...serverOptions(options.name), ...options.fastify })
  // Responses finishing after SIGTERM tell the client to hang up; otherwise a keep-alive
  // socket that turns idle after close() began would hold the process until the grace ends.
  let closing = false
  fastify.addHook('preClose', async () => {
    closing = true
  })
  fastify.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close')
  })
  // fp: the app's decorators (config above all) must be visible here, where we listen.
  await fastify.register(fp(options.app))
  const graceMs = Number(environment().FASTIFY_CLOSE_GRACE_DELAY ?? options.graceMs ?? 10_000)
  closeWithGrace({ delay: Number.isFinite(graceMs) ? graceMs : 10_000 }, async ({ signal, err }) => {
    if (err) fastify.log.error({ err }, 'closing because of an error')
    else fastify.log.info({ signal }, 'closing: finishing in-flight requests')
    await fastify.close()
  })
  try {
    const config = (fastify as unknown as { config: { PORT: number; HOST: string } }).config
    await fastify.listen({ port: config.PORT, host: config.HOST })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') fastify.log.fatal(`port already in use: ${(err as Error).message}`)
    else fastify.log.fatal({ err }, 'could not start')
    process.exit(1)
  }
  return fastify
}
