/**
 * The web page at `/` (docs/gateway.md): the built @cruddur/web served with its caching rules and
 * security headers, `/web-config.json` from the gateway's config, and what happens when the page
 * is not built or not configured. No service is needed for any of it: the upstreams are closed
 * ports (the API through the gateway is covered by real-services.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { webRoot } from '@cruddur/web'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import app from '../src/app.js'
import { closedPortUrl, startGateway } from './helper.js'

const POOL = { COGNITO_USER_POOL_ID: 'us-east-1_WebPool1', COGNITO_CLIENT_ID: 'webclient123' }
const LOCAL = { ...POOL, COGNITO_ENDPOINT: 'http://127.0.0.1:9229' }
const DEMO = {
  WEB_DEMO_ACCOUNTS: 'andrewbrown:andrew@exampro.co,londo:lmollari@centari.com',
  WEB_DEMO_PASSWORD: 'Demo-Password-1!',
}
const script = readdirSync(path.join(webRoot, 'assets')).find((f) => f.endsWith('.js'))

async function gateway(t: Test, env: Record<string, string>, webRootDir?: string) {
  const closed = await closedPortUrl()
  const { url } = await startGateway(t, {
    userServiceUrl: closed,
    messagingServiceUrl: closed,
    env,
    ...(webRootDir ? { webRoot: webRootDir } : {}),
  })
  return url
}

interface ErrorBody {
  message: string
  errors: string[]
}
const errorBody = async (res: Response) => (await res.json()) as ErrorBody

/** A request with the path exactly as written (fetch would resolve `..` before sending). */
function rawGet(
  base: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${rawPath}`, { headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8')
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.path = rawPath
    req.on('error', reject)
  })
}

/** Why the gateway refuses to start with this environment (the message), or null if it starts. */
async function startRefusal(env: Record<string, string>): Promise<string | null> {
  const closed = await closedPortUrl()
  const fastify = Fastify({ logger: false })
  try {
    await fastify.register(app, {
      env: { LOG_LEVEL: 'silent', USER_SERVICE_URL: closed, MESSAGING_SERVICE_URL: closed, ...env },
    })
    await fastify.ready()
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    await fastify.close()
  }
}

t.test('/ is the built page, revalidated on every visit, with its security headers', async (t) => {
  const url = await gateway(t, LOCAL)
  const res = await fetch(`${url}/`, { headers: { accept: 'text/html' } })
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/html/)
  t.equal(res.headers.get('cache-control'), 'no-cache', 'never stale: it names the current hashed assets')
  t.equal(await res.text(), readFileSync(path.join(webRoot, 'index.html'), 'utf8'), 'the built index.html')
  t.equal(res.headers.get('x-content-type-options'), 'nosniff')
  t.equal(res.headers.get('x-frame-options'), 'DENY')
  const csp = res.headers.get('content-security-policy') ?? ''
  t.match(csp, /default-src 'self'/)
  t.match(csp, /script-src 'self'(;|$)/, 'no inline or remote script')
  t.match(csp, /connect-src 'self' http:\/\/127\.0\.0\.1:9229(;|$)/, 'the API and the local Cognito only')
  t.match(csp, /frame-ancestors 'none'/)
  const etag = res.headers.get('etag')
  t.ok(etag, 'an ETag to revalidate with')
  // Not fetch: a conditional fetch() adds `cache-control: no-cache` to the request itself.
  const again = await rawGet(url, '/', { 'if-none-match': etag ?? '' })
  t.equal(again.status, 304, 'an unchanged page is not sent twice')
})

t.test('hashed assets are cached for a year, immutable; missing ones are a 404', async (t) => {
  t.ok(script, 'the page is built (run `pnpm build`)')
  const url = await gateway(t, LOCAL)
  const res = await fetch(`${url}/assets/${script}`)
  t.equal(res.status, 200)
  t.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable')
  t.match(res.headers.get('content-type'), /javascript/)
  t.equal(res.headers.get('x-content-type-options'), 'nosniff')
  t.equal(
    Buffer.from(await res.arrayBuffer()).length,
    readFileSync(path.join(webRoot, 'assets', script ?? '')).length,
  )
  for (const missing of ['/assets/index-00000000.js', '/assets/', '/index.html', '/assets/../index.html']) {
    const answer = await fetch(`${url}${missing}`)
    t.equal(answer.status, 404, `${missing} is a 404`)
    t.equal(answer.headers.get('cache-control'), null, `${missing}: a 404 is not cached for a year`)
    t.same((await errorBody(answer)).errors, ['not_found'], `${missing}: in the error shape`)
  }
})

t.test('paths that climb out of the page, or name hidden files, are refused', async (t) => {
  const root = t.testdir({
    'index.html': '<!doctype html><title>test page</title>',
    assets: { 'app-1234.js': 'console.log(1)', '.secret': 'hidden' },
    'secret.txt': 'outside assets',
  })
  const url = await gateway(t, LOCAL, root)
  t.equal((await fetch(`${url}/assets/app-1234.js`)).status, 200, 'the test page is served')
  for (const raw of [
    '/assets/../secret.txt',
    '/assets/..%2fsecret.txt',
    '/assets/%2e%2e/secret.txt',
    '/assets/%252e%252e/secret.txt',
    '/assets/..%5csecret.txt',
    '/assets//../secret.txt',
    '/assets/../../../../etc/passwd',
    '/assets/.secret',
    '/assets/%2esecret',
    '/..%2f..%2fetc/passwd',
  ]) {
    const res = await rawGet(url, raw)
    t.equal(res.status, 404, `${raw}: 404`)
    t.notMatch(res.body, /outside assets|hidden|root:/, `${raw}: nothing of the file`)
    t.same((JSON.parse(res.body) as ErrorBody).errors, ['not_found'], `${raw}: in the error shape`)
  }
})

t.test('/web-config.json: the pool from the config; demo accounts only when configured', async (t) => {
  const local = await gateway(t, { ...LOCAL, ...DEMO })
  const res = await fetch(`${local}/web-config.json`)
  t.equal(res.status, 200)
  t.equal(res.headers.get('cache-control'), 'no-store')
  t.equal(res.headers.get('x-content-type-options'), 'nosniff')
  t.same(await res.json(), {
    region: 'us-east-1',
    userPoolId: POOL.COGNITO_USER_POOL_ID,
    clientId: POOL.COGNITO_CLIENT_ID,
    cognitoEndpoint: 'http://127.0.0.1:9229',
    demo: {
      password: 'Demo-Password-1!',
      accounts: [
        { handle: 'andrewbrown', email: 'andrew@exampro.co' },
        { handle: 'londo', email: 'lmollari@centari.com' },
      ],
    },
  })

  const plain = await gateway(t, LOCAL)
  const body = await (await fetch(`${plain}/web-config.json`)).text()
  t.notMatch(body, /demo|password/i, 'no demo accounts, no password unless configured')

  const aws = await gateway(t, { ...POOL, AWS_REGION: 'eu-west-1' })
  t.same(
    await (await fetch(`${aws}/web-config.json`)).json(),
    { region: 'eu-west-1', userPoolId: POOL.COGNITO_USER_POOL_ID, clientId: POOL.COGNITO_CLIENT_ID },
    'real Cognito: no endpoint (the page uses SRP against the region)',
  )
  t.match(
    (await fetch(`${aws}/`)).headers.get('content-security-policy'),
    /connect-src 'self' https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com(;|$)/,
    "the page may talk to the region's Cognito",
  )
})

t.test('the gateway refuses to start with a web config that cannot work or would leak', async (t) => {
  t.match(await startRefusal({ COGNITO_USER_POOL_ID: POOL.COGNITO_USER_POOL_ID }), /COGNITO_CLIENT_ID/)
  t.match(await startRefusal({ ...POOL, ...DEMO }), /WEB_DEMO_ACCOUNTS.*local Cognito only.*COGNITO_ENDPOINT/)
  t.match(await startRefusal({ ...LOCAL, WEB_DEMO_PASSWORD: 'x' }), /WEB_DEMO_ACCOUNTS and WEB_DEMO_PASSWORD/)
  t.match(
    await startRefusal({ ...LOCAL, ...DEMO, WEB_DEMO_ACCOUNTS: 'andrew@exampro.co' }),
    /WEB_DEMO_ACCOUNTS/,
  )
  t.match(await startRefusal({ ...POOL, COGNITO_USER_POOL_ID: 'pool' }), /COGNITO_USER_POOL_ID/)
  t.equal(await startRefusal({ ...LOCAL, ...DEMO }), null, 'a local stack’s config starts')
  t.equal(await startRefusal({}), null, 'no pool: the API alone starts')
})

t.test('without a built page or a pool, the API still runs and / says why', async (t) => {
  const empty = t.testdir({})
  const unbuilt = await gateway(t, LOCAL, empty)
  const res = await fetch(`${unbuilt}/`)
  t.equal(res.status, 404)
  const body = await errorBody(res)
  t.same(body.errors, ['not_found'])
  t.match(body.message, /not built .*index\.html is missing.*pnpm build/)
  t.equal((await fetch(`${unbuilt}/health`)).status, 200, 'the gateway is up')

  const unconfigured = await gateway(t, {})
  const answer = await errorBody(await fetch(`${unconfigured}/`))
  t.match(answer.message, /not configured .*COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID/)
  t.equal((await fetch(`${unconfigured}/web-config.json`)).status, 404)
})

t.test('the API and /internal keep their 404s, without the page’s headers', async (t) => {
  const url = await gateway(t, { ...LOCAL, ...DEMO })
  for (const p of ['/api/nothing-here', '/api', '/internal/users', '/favicon.ico', '/c/whatever']) {
    const res = await fetch(`${url}${p}`, { headers: { accept: 'text/html' } })
    t.equal(res.status, 404, `${p}: 404, not the page (it routes in the hash)`)
    t.match(res.headers.get('content-type'), /^application\/json/)
    t.same((await errorBody(res)).errors, ['not_found'], `${p}: in the error shape`)
    t.equal(res.headers.get('content-security-policy'), null)
  }
})
