import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { LOOPBACK } from './bind.js'

/** A function as Lambda runs it: the event in, the result out; a throw is a function error. */
export type LambdaFunction = (event: unknown) => Promise<unknown>

export interface LambdaEndpoint {
  endpoint: string
  stop(): Promise<void>
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/
/** Lambda's own limit for a synchronous request payload. */
const MAX_PAYLOAD = 6 * 1024 * 1024

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

const awsError = (res: http.ServerResponse, status: number, type: string, message: string) =>
  send(res, status, { Type: 'User', message }, { 'x-amzn-errortype': type })

/**
 * The Lambda Invoke API (RequestResponse), as far as cognito-local's trigger calls need it:
 * `POST /2015-03-31/functions/<name>/invocations` runs `<name>` with the payload as its event.
 * A function that throws answers 200 with `X-Amz-Function-Error: Unhandled` and the error as
 * `{errorMessage, errorType}`, as Lambda does, so the caller reports it as Cognito would.
 * Loopback only; no signature is checked, which is why it never listens anywhere else.
 */
export function startLambdaEndpoint(options: {
  functions: Record<string, LambdaFunction>
  port?: number
  log?: (line: string) => void
}): Promise<LambdaEndpoint> {
  const log = options.log ?? (() => {})
  const server = http.createServer((req, res) => {
    const match = req.method === 'POST' ? INVOKE_PATH.exec(req.url?.split('?')[0] ?? '') : null
    if (!match)
      return awsError(res, 404, 'ResourceNotFoundException', `no such route: ${req.method} ${req.url}`)
    const name = decodeURIComponent(match[1] ?? '')
    const fn = options.functions[name]
    if (!fn) return awsError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`)
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_PAYLOAD) chunks.push(chunk)
    })
    req.on('end', async () => {
      if (size > MAX_PAYLOAD) return awsError(res, 413, 'RequestTooLargeException', 'payload over 6 MB')
      let event: unknown
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')
      } catch {
        return awsError(res, 400, 'InvalidRequestContentException', 'the payload is not JSON')
      }
      try {
        const result = await fn(event)
        send(res, 200, result ?? null, { 'x-amz-executed-version': '$LATEST' })
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error))
        log(`${name} failed: ${err.message}`)
        send(
          res,
          200,
          { errorType: err.name, errorMessage: err.message, trace: [] },
          { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
        )
      }
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: LOOPBACK, port: options.port ?? 0, exclusive: true }, () => {
      const { port } = server.address() as AddressInfo
      resolve({
        endpoint: `http://${LOOPBACK}:${port}`,
        stop: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}
