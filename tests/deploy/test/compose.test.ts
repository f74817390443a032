import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigSchema as GatewayConfig } from '@cruddur/gateway/config'
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
  user?: string
  network_mode?: string
}

/** `${VAR:-default}` as compose resolves it when VAR is unset. */
const resolve = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
const interpolate = (env: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, resolve(String(v))])) as Record<string, string>

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
  { name: 'gateway', schema: GatewayConfig },
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
  const gateway = interpolate(service('gateway').environment)
  const published = (name: string) => (service(name).ports ?? []).map((p) => resolve(p).split(':').at(-1))
  t.same(published('gateway'), [gateway.PORT], 'the gateway publishes its PORT')

  const hostPort = (url: string) => {
    const u = new URL(url)
    return { host: u.hostname, port: u.port }
  }
  t.same(hostPort(messaging.USER_SERVICE_URL as string), { host: 'user-service', port: user.PORT })
  t.same(hostPort(gateway.USER_SERVICE_URL as string), { host: 'user-service', port: user.PORT })
  t.same(hostPort(gateway.MESSAGING_SERVICE_URL as string), {
    host: 'messaging-service',
    port: messaging.PORT,
  })
  t.equal(
    gateway.FRONTEND_URL,
    messaging.FRONTEND_URL,
    'the gateway allows the origins the services are told',
  )
  t.same(hostPort(messaging.DYNAMODB_ENDPOINT as string), { host: 'dynamodb-local', port: '8000' })
  t.same(hostPort(user.COGNITO_ENDPOINT as string), { host: 'cognito-local', port: '9229' })
  t.same(hostPort(user.DATABASE_URL as string), { host: 'postgres', port: '5432' })
  t.same(hostPort(messaging.REDIS_URL as string), { host: 'redis', port: '6379' }, 'the compose redis')
  t.equal(new URL(messaging.REDIS_URL as string).protocol, 'redis:')
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
  t.equal(
    service('messaging-service').depends_on?.redis?.condition,
    'service_healthy',
    'the messaging-service starts once redis answers PING',
  )
  t.match(service('redis').healthcheck?.test.join(' '), /ping/i, 'redis is healthy when it answers PING')
  for (const upstream of ['user-service', 'messaging-service'])
    t.equal(
      service('gateway').depends_on?.[upstream]?.condition,
      'service_healthy',
      `the gateway waits for ${upstream}`,
    )
})

t.test('our images are all built from the one Dockerfile, for a service that exists', async (t) => {
  const built = Object.entries(compose.services).filter(([, s]) => s.build)
  t.same(built.map(([name]) => name).sort(), [
    'gateway',
    'messaging-service',
    'setup-messages',
    'setup-users',
    'user-service',
  ])
  for (const [name, s] of built) {
    const build = s.build as { context: string; dockerfile: string; args?: Record<string, string> }
    t.equal(build.dockerfile, 'deploy/service.Dockerfile', `${name}: the shared Dockerfile`)
    t.ok(existsSync(path.join(root, build.context, build.dockerfile)), `${name}: it exists`)
    const svc = build.args?.SERVICE ?? ''
    t.ok(existsSync(path.join(root, 'services', svc, 'package.json')), `${name}: SERVICE=${svc} is a service`)
  }
})

t.test('only the gateway is published, and only on 127.0.0.1', async (t) => {
  const publishing = Object.entries(compose.services).filter(([, s]) => (s.ports ?? []).length > 0)
  t.same(
    publishing.map(([name]) => name),
    ['gateway'],
    'postgres, DynamoDB Local, cognito-local, redis and both services publish nothing',
  )
  for (const port of service('gateway').ports ?? []) {
    const parts = resolve(port).split(':')
    t.equal(parts.length, 3, `${port}: names the host address`)
    t.equal(parts[0], '127.0.0.1', `${port}: bound to loopback only`)
  }
  for (const [name, s] of Object.entries(compose.services))
    t.not(s.network_mode, 'host', `${name}: not on the host's network`)
})

t.test('redis keeps nothing on disk: it carries live events and counters, never the log', async (t) => {
  const redis = service('redis')
  t.match(redis.image, /^valkey\/valkey:\d+\.\d+/, 'Valkey, a version named')
  const command = redis.command ?? []
  t.same(
    command.slice(command.indexOf('--save'), command.indexOf('--save') + 2),
    ['--save', ''],
    'no snapshots',
  )
  t.same(command.slice(command.indexOf('--appendonly'), command.indexOf('--appendonly') + 2), [
    '--appendonly',
    'no',
  ])
  t.notOk('volumes' in redis, 'no volume')
})

t.test('pinned images; DynamoDB Local not as root', async (t) => {
  for (const [name, s] of Object.entries(compose.services)) {
    if (!s.image) continue
    const tag = s.image.split(':')[1]
    t.ok(tag && tag !== 'latest', `${name}: ${s.image} names a version`)
  }
  t.match(
    service('cognito-local').image,
    /^jagregory\/cognito-local:\d+\.\d+\.\d+$/,
    'cognito-local: an exact release',
  )
  const ddb = service('dynamodb-local')
  t.ok(ddb.user && !['root', '0', '0:0'].includes(ddb.user), `DynamoDB Local runs as ${ddb.user}`)
  t.equal(
    ddb.depends_on?.['dynamodb-init']?.condition,
    'service_completed_successfully',
    'after its data volume was handed to that user',
  )
})
