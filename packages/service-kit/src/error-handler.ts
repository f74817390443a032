import type { ErrorBody } from '@cruddur/types'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError, reasonPhrase } from './http-error.js'

/** Names the offending field in a code, e.g. `invalid_limit`, `invalid_message_group_uuid`. */
function validationCode(error: FastifyError): string {
  const first = error.validation?.[0]
  const params = (first?.params ?? {}) as Record<string, unknown>
  const field =
    (typeof params.missingProperty === 'string' && params.missingProperty) ||
    (typeof params.additionalProperty === 'string' && params.additionalProperty) ||
    first?.instancePath?.split('/').filter(Boolean)[0] ||
    error.validationContext ||
    'request'
  return `invalid_${String(field)
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase()}`
}

function body(statusCode: number, message: string, errors?: string[]): ErrorBody {
  return { statusCode, error: reasonPhrase(statusCode), message, ...(errors ? { errors } : {}) }
}

/**
 * The one error handler of a service: purposeful errors keep their status and codes, client
 * mistakes caught by Fastify become 400/413/415 with a code, and everything else is a 500
 * whose body says nothing about internals (details go to the log with the request id).
 */
export const errorHandlerPlugin = fp(
  async (fastify: FastifyInstance) => {
    fastify.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof HttpError) {
        if (error.statusCode >= 500) request.log.warn({ err: error.cause ?? error }, error.message)
        return reply.code(error.statusCode).send(body(error.statusCode, error.message, error.codes))
      }
      if (error.validation) {
        const where = error.validationContext ?? 'request'
        return reply.code(400).send(body(400, `Invalid ${where}: ${error.message}`, [validationCode(error)]))
      }
      const status = error.statusCode ?? 500
      if (status >= 400 && status < 500) {
        const code =
          error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'payload_too_large'
            : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? 'unsupported_media_type'
              : error.code?.startsWith('FST_ERR_CTP') || error instanceof SyntaxError
                ? 'invalid_json'
                : 'bad_request'
        const message = code === 'invalid_json' ? 'The request body is not valid JSON' : error.message
        return reply.code(status).send(body(status, message, [code]))
      }
      request.log.error({ err: error }, 'unhandled error')
      return reply.code(500).send(body(500, 'Internal Server Error', ['internal_error']))
    })
    fastify.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .send(body(404, `Route ${request.method} ${request.url.split('?')[0]} not found`, ['not_found'])),
    )
  },
  { name: 'error-handler' },
)
