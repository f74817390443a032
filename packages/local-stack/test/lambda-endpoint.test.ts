import t from 'tap'
import { confirmationCodes } from '../src/confirmation-codes.js'
import { startLambdaEndpoint } from '../src/lambda-endpoint.js'
import { listenersOn } from './lib/listeners.js'

t.test(
  'the Lambda Invoke API: a result, a function error as Lambda reports it, an unknown function',
  async (t) => {
    const lambda = await startLambdaEndpoint({
      functions: {
        echo: async (event) => ({ ...(event as object), seen: true }),
        fails: async () => {
          throw new Error('user-service answered 409: handle_taken')
        },
      },
    })
    t.teardown(() => lambda.stop())
    const port = Number(new URL(lambda.endpoint).port)
    t.same(listenersOn(port), ['127.0.0.1'], 'loopback only: it checks no signature')
    const invoke = (name: string, body = '{"userName":"x"}') =>
      fetch(`${lambda.endpoint}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body })

    const ok = await invoke('echo')
    t.equal(ok.status, 200)
    t.equal(ok.headers.get('x-amz-function-error'), null)
    t.same(await ok.json(), { userName: 'x', seen: true })

    const failed = await invoke('fails')
    t.equal(failed.status, 200, 'a function error is still a 200 of the Invoke API')
    t.equal(failed.headers.get('x-amz-function-error'), 'Unhandled')
    t.match(await failed.json(), {
      errorType: 'Error',
      errorMessage: 'user-service answered 409: handle_taken',
    })

    const unknown = await invoke('nope')
    t.equal(unknown.status, 404)
    t.equal(unknown.headers.get('x-amzn-errortype'), 'ResourceNotFoundException')
    t.equal((await invoke('echo', '{not json')).status, 400)
    t.equal((await fetch(`${lambda.endpoint}/`)).status, 404)
  },
)

t.test('confirmation codes are read off the box cognito-local logs instead of an e-mail', async (t) => {
  const found: Array<[string, string]> = []
  const feed = confirmationCodes((destination, code) => found.push([destination, code]))
  // As cognito-local prints it (pino-pretty with colours, boxen).
  for (const line of [
    '\u001b[36m[12:00:00.000] INFO\u001b[39m: 1a2b3c NONE \u001b[33m╭──────────────────────────────╮\u001b[39m',
    '│   Confirmation Code Delivery   │',
    '│                                 │',
    '│   Username:    0f1e2d3c-uuid    │',
    '│   Destination: gkar@narn.example │',
    '│   Code:        \u001b[1m123456\u001b[22m   │',
    '╰─────────────────────────────────╯',
    '│   Code:        999999   │',
  ])
    feed(line)
  t.same(found, [['gkar@narn.example', '123456']], 'one code per message, none outside a box')
})
