import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigSchema as MessagingConfig } from '@cruddur/messaging-service/config'
import { ConfigSchema as UserConfig } from '@cruddur/user-service/config'
import envSchema from 'env-schema'
import t from 'tap'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>
}

interface ComposeService {
  image?: string
  build?: { context: string; dockerfile: string }
  environment?: Record<string, string>
  ports?: string[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  command?: string[]
}

/** `${VAR:-default}` as compose resolves it when VAR is unset. */
const interpolate = (env: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]),
  ) as Record<string, string>

const service = (name: string): ComposeService => {
  const s = compose.services[name]
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`)
  return s
}

const roles = [
  { name: 'user-service', schema: UserConfig },
  { name: 'setup-users', schema: UserConfig },
  { name: 'messaging-service', schema: MessagingConfig },
  { name: 'setup-messages', schema: MessagingConfig },
] as const

for (const { name, schema } of roles) {
  t.test(`${name}: its environment passes the service's own config schema`, async (t) => {
    const env = interpolate(service(name).environment)
    // The same validation @fastify/env runs at start: a missing or bad value throws naming it.
    const config = envSchema({ schema, data: env, dotenv: false }) as Record<string, unknown>
    t.ok(config.PORT, 'PORT resolved')
    t.ok(env.LOG_LEVEL, 'LOG_LEVEL is set (a silent logger hides boot errors)')
    const required = (schema as unknown as { required?: string[] }).required ?? []
    for (const key of required) t.ok(key in env, `${key} is set`)
  })
}

t.test('a missing required variable would be caught by that check', async (t) => {
  const env = interpolate(service('messaging-service').environment)
  delete env.USER_SERVICE_URL
  t.throws(() => envSchema({ schema: MessagingConfig, data: env, dotenv: false }), /USER_SERVICE_URL/)
})

t.test('ports and service URLs line up', async (t) => {
  const user = interpolate(service('user-service').environment)
  const messaging = interpolate(service('messaging-service').environment)
  const published = (name: string) => (service(name).ports ?? []).map((p) => p.split(':').at(-1))
  t.ok(published('user-service').includes(user.PORT), 'user-service publishes its PORT')
  t.ok(published('messaging-service').includes(messaging.PORT), 'messaging-service publishes its PORT')

  const hostPort = (url: string) => {
    const u = new URL(url)
    return { host: u.hostname, port: u.port }
  }
  t.same(hostPort(messaging.USER_SERVICE_URL as string), { host: 'user-service', port: user.PORT })
  t.same(hostPort(messaging.DYNAMODB_ENDPOINT as string), { host: 'dynamodb-local', port: '8000' })
  t.same(hostPort(user.COGNITO_ENDPOINT as string), { host: 'cognito-local', port: '9229' })
  t.same(hostPort(user.DATABASE_URL as string), { host: 'postgres', port: '5432' })
  t.equal(user.INTERNAL_TOKEN, messaging.INTERNAL_TOKEN, 'both services share INTERNAL_TOKEN')
  t.equal(user.COGNITO_USER_POOL_ID, messaging.COGNITO_USER_POOL_ID)
  t.match(
    messaging.COGNITO_JWKS_URL,
    new RegExp(`/${messaging.COGNITO_USER_POOL_ID}/\\.well-known/jwks\\.json$`),
  )

  const facts = JSON.parse(interpolate(service('setup-messages').environment).CRUDDUR_STACK as string)
  t.equal(facts.cognito.userPoolId, messaging.COGNITO_USER_POOL_ID, 'setup facts name the same pool')
  t.equal(facts.cognito.clientId, messaging.COGNITO_CLIENT_ID, 'setup facts name the same client')
  t.equal(facts.userService.url, messaging.USER_SERVICE_URL)
  t.equal(facts.internalToken, user.INTERNAL_TOKEN)
})

t.test('the seeded cognito-local pool and client match the services', async (t) => {
  const env = interpolate(service('messaging-service').environment)
  const seed = path.join(root, 'deploy/cognito-local')
  t.ok(
    existsSync(path.join(seed, 'db', `${env.COGNITO_USER_POOL_ID}.json`)),
    'pool file named after the pool id',
  )
  const clients = JSON.parse(readFileSync(path.join(seed, 'db/clients.json'), 'utf8')).Clients
  t.equal(clients[env.COGNITO_CLIENT_ID as string]?.UserPoolId, env.COGNITO_USER_POOL_ID)
  const config = JSON.parse(readFileSync(path.join(seed, 'config.json'), 'utf8'))
  t.same(config.UserPoolDefaults.UsernameAttributes, ['email'], 'people sign in with their e-mail')
  t.equal(
    config.TokenConfig.IssuerDomain,
    `https://cognito-idp.${env.AWS_REGION}.amazonaws.com`,
    'AWS-style issuer',
  )
})

t.test('start order: every dependency waits for health or completion', async (t) => {
  for (const [name, s] of Object.entries(compose.services)) {
    for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
      const target = service(dep)
      if (condition === 'service_healthy')
        t.ok(target.healthcheck, `${name} → ${dep}: ${dep} has a healthcheck`)
      else
        t.equal(condition, 'service_completed_successfully', `${name} → ${dep}: waits for the one-shot job`)
    }
  }
  t.equal(service('user-service').depends_on?.['setup-users']?.condition, 'service_completed_successfully')
  t.equal(
    service('setup-messages').depends_on?.['user-service']?.condition,
    'service_healthy',
    'the demo seed resolves users over HTTP',
  )
  t.equal(
    service('messaging-service').depends_on?.['setup-messages']?.condition,
    'service_completed_successfully',
  )
})

t.test('services are built from Dockerfiles that exist', async (t) => {
  for (const [name, s] of Object.entries(compose.services)) {
    if (!s.build) continue
    t.ok(
      existsSync(path.join(root, s.build.context, s.build.dockerfile)),
      `${name}: ${s.build.dockerfile} exists`,
    )
  }
})
