import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import t from 'tap'
import { Type } from 'typebox'
import { configPlugin, isLocalEndpoint, isProduction, SECRET_VARIABLES } from '../src/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** A service's config schema, reduced to what the rule looks at. */
const schema = Type.Object({
  DYNAMODB_ENDPOINT: Type.Optional(Type.String()),
  COGNITO_ENDPOINT: Type.Optional(Type.String()),
  INTERNAL_TOKEN: Type.String({ minLength: 1 }),
  CURSOR_SECRET: Type.String({ minLength: 1 }),
  CURSOR_SECRET_PREVIOUS: Type.Optional(Type.String()),
})
const strong = () => randomBytes(32).toString('base64url')
const env = (overrides: Record<string, string>) => ({
  INTERNAL_TOKEN: strong(),
  CURSOR_SECRET: strong(),
  ...overrides,
})

async function start(values: Record<string, string>) {
  const app = Fastify({ logger: false })
  try {
    await app.register(configPlugin(schema), { env: values })
    await app.ready()
  } finally {
    await app.close()
  }
}

/**
 * Every secret value a tracked file of the repository assigns: compose's `${VAR:-default}`,
 * `VAR=value` in shell and env examples, `VAR: 'value'` in code and YAML, and the
 * `"internalToken"` / `"cursorSecret"` of stack facts.
 */
function publishedValues(): Map<string, string> {
  const files = spawnSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
  const names = '(INTERNAL_TOKEN|CURSOR_SECRET(?:_PREVIOUS)?)'
  const patterns = [
    new RegExp(`\\$\\{${names}:-([^}]+)\\}`, 'g'),
    new RegExp(`\\b${names}=([^\\s"'\`$]+)`, 'g'),
    new RegExp(`\\b${names}\\s*:\\s*['"]([^'"$]+)['"]`, 'g'),
    /"(internalToken|cursorSecret)"\s*:\s*"([^"]+)"/g,
  ]
  const found = new Map<string, string>()
  for (const file of files) {
    if (file === 'pnpm-lock.yaml') continue
    let text: string
    try {
      text = readFileSync(path.join(root, file), 'utf8')
    } catch {
      continue // listed but deleted in the working tree
    }
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        if (match[2]) found.set(match[2], `${file} (${match[1]})`)
      }
    }
  }
  return found
}

t.test('production is where no local endpoint is configured', async (t) => {
  t.ok(isProduction({}), 'no endpoint at all: the real AWS services')
  t.ok(isProduction({ DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com' }))
  t.ok(isProduction({ DYNAMODB_ENDPOINT: 'http://dynamodb-prod:8000' }), 'a cluster name is not local')
  t.notOk(isProduction({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' }), 'DynamoDB Local on loopback')
  t.notOk(isProduction({ COGNITO_ENDPOINT: 'http://cognito-local:9229' }), 'cognito-local on compose')
  t.ok(isLocalEndpoint('http://[::1]:1'))
  t.notOk(isLocalEndpoint('http://[::ffff:7f00:1]:1'), 'an IPv6 literal other than ::1')
})

t.test('in production a short or published secret stops the service, naming the variable', async (t) => {
  for (const name of SECRET_VARIABLES) {
    await t.rejects(start(env({ [name]: 'a'.repeat(31) })), new RegExp(`${name} is refused.*shorter than 32`))
  }
  await t.resolves(start(env({})), 'strong secrets of its own: it starts')
  await t.resolves(
    start(env({ INTERNAL_TOKEN: 'short', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })),
    'with a local endpoint (local stack, compose, tests) the rule does not apply',
  )
})

t.test('every secret value the repository publishes is refused in production', async (t) => {
  const found = publishedValues()
  t.ok(found.has('compose-local-internal-token-change-me'), 'the scan finds compose’s default')
  t.ok(found.size >= 2, `values found: ${[...found.keys()].join(', ')}`)
  for (const [value, where] of found) {
    for (const name of ['INTERNAL_TOKEN', 'CURSOR_SECRET'] as const) {
      await t.rejects(start(env({ [name]: value })), new RegExp(`${name} is refused`), `${where}: "${value}"`)
    }
  }
})
