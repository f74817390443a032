import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { demoToken, formatLifetime } from './demo-token.js'
import { type Engines, startEngines } from './engines.js'
import type { StackFacts } from './facts.js'
import { localDir, stackJsonPath } from './paths.js'
import { assertPortFree } from './ports.js'
import { reachableDataDir } from './postgres.js'
import type { ManagedProcess } from './process.js'
import { runSetupHook, SERVICES, startService } from './services.js'
import { DEFAULT_TABLE, DEMO_EMAILS, DEMO_PASSWORD, DEMO_USERS } from './test-stack.js'

export interface SystemOptions {
  root: string
  fresh: boolean
  /** false: engines and setup only; the services are started by someone else (pnpm dev). */
  services: boolean
  env: NodeJS.ProcessEnv
  print: (line: string) => void
}

export interface RunningSystem {
  facts: StackFacts
  stop(): Promise<void>
}

const port = (env: NodeJS.ProcessEnv, name: string, fallback: number) => {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`)
  return value
}

/** The pool id the local stack always uses: AWS-shaped, fixed so data survives restarts. */
export const LOCAL_POOL_ID = (region: string) => `${region}_CruddurL1`

async function persistentSecret(dir: string, name: string, bytes: number): Promise<string> {
  const file = path.join(dir, name)
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim()
  const secret = randomBytes(bytes).toString('base64url')
  await writeFile(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

/** `pnpm start`: engines, setup hooks, both services; data under .local/. */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { env, print, root } = options
  const region = env.AWS_REGION || 'us-east-1'
  const ports = {
    userService: port(env, 'USER_SERVICE_PORT', 4001),
    messagingService: port(env, 'MESSAGING_SERVICE_PORT', 4002),
    postgres: port(env, 'POSTGRES_PORT', 5433),
    dynamodb: port(env, 'DYNAMODB_PORT', 8000),
    cognito: port(env, 'COGNITO_PORT', 9229),
  }
  await assertPortFree('PostgreSQL', ports.postgres, 'POSTGRES_PORT')
  await assertPortFree('DynamoDB Local', ports.dynamodb, 'DYNAMODB_PORT')
  await assertPortFree('cognito-local', ports.cognito, 'COGNITO_PORT')
  if (options.services) {
    await assertPortFree('user-service', ports.userService, 'USER_SERVICE_PORT')
    await assertPortFree('messaging-service', ports.messagingService, 'MESSAGING_SERVICE_PORT')
  }

  const dir = localDir(root)
  const dirs = {
    postgres: path.join(dir, 'postgres'),
    dynamodb: path.join(dir, 'dynamodb'),
    cognito: path.join(dir, 'cognito'),
  }
  if (options.fresh) {
    print('--fresh: removing the data under .local/')
    await rm(dir, { recursive: true, force: true })
    await rm(reachableDataDir(dirs.postgres), { recursive: true, force: true })
  }
  await mkdir(dir, { recursive: true })

  print('starting PostgreSQL, DynamoDB Local and cognito-local…')
  const t0 = Date.now()
  const engines: Engines = await startEngines({
    region,
    ports,
    dirs,
    userPoolId: LOCAL_POOL_ID(region),
    ephemeral: false,
  })
  print(`engines ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

  const facts: StackFacts = {
    region,
    postgres: { url: engines.postgres.url() },
    dynamodb: { endpoint: engines.dynamodb.endpoint, table: env.DDB_MESSAGE_TABLE || DEFAULT_TABLE },
    cognito: {
      endpoint: engines.cognito.endpoint,
      userPoolId: engines.cognito.userPoolId,
      clientId: engines.cognito.clientId,
      jwksUrl: engines.cognito.jwksUrl,
    },
    userService: { url: `http://127.0.0.1:${ports.userService}` },
    messagingService: { url: `http://127.0.0.1:${ports.messagingService}` },
    internalToken: await persistentSecret(dir, 'internal-token', 24),
    cursorSecret: await persistentSecret(dir, 'cursor-secret', 32),
    demoPassword: DEMO_PASSWORD,
    demoUsers: DEMO_USERS,
    demoEmails: DEMO_EMAILS,
  }

  const running: ManagedProcess[] = []
  const stop = async () => {
    for (const proc of running.reverse()) await proc.stop('SIGTERM', 15_000)
    await engines.stop()
    await rm(stackJsonPath(root), { force: true })
  }

  try {
    for (const service of SERVICES) {
      await runSetupHook(root, service, facts, print)
      // Later hooks may need earlier services (the demo conversation resolves users over HTTP).
      const needed = options.services || service !== SERVICES.at(-1)
      if (!needed) continue
      const proc = await startService(root, service, facts, (line) => print(`[${service}] ${line}`))
      running.push(proc)
    }
    if (!options.services) {
      // pnpm dev: the services' own watch tasks take over from here.
      for (const proc of running.splice(0).reverse()) await proc.stop()
    }
    await writeFile(stackJsonPath(root), `${JSON.stringify(facts, null, 2)}\n`)
  } catch (error) {
    await stop()
    throw error
  }
  return { facts, stop }
}

export async function banner(facts: StackFacts, root: string, startedMs: number): Promise<string> {
  const lines = [
    '',
    `Cruddur messaging is up (${(startedMs / 1000).toFixed(1)} s):`,
    `  user-service       ${facts.userService.url}   (docs: ${facts.userService.url}/docs)`,
    `  messaging-service  ${facts.messagingService.url}   (docs: ${facts.messagingService.url}/docs)`,
    `  PostgreSQL         ${facts.postgres.url}`,
    `  DynamoDB Local     ${facts.dynamodb.endpoint}  table ${facts.dynamodb.table}`,
    `  cognito-local      ${facts.cognito.endpoint}  pool ${facts.cognito.userPoolId}  client ${facts.cognito.clientId}`,
    `  facts as JSON      ${path.relative(process.cwd(), stackJsonPath(root)) || stackJsonPath(root)}`,
  ]
  const demo = facts.demoUsers[0]
  if (demo) {
    try {
      const token = await demoToken(facts, demo)
      const lifetime = formatLifetime(token.expiresAt.getTime() - Date.now())
      lines.push(
        '',
        `Try it as @${demo} (token valid for ${lifetime}; \`pnpm demo-token ${demo}\` prints a fresh one):`,
        `  curl -s -H "Authorization: Bearer ${token.accessToken}" ${facts.messagingService.url}/api/message_groups`,
      )
    } catch (error) {
      lines.push('', `(no demo token: ${error instanceof Error ? error.message : String(error)})`)
    }
  }
  lines.push('', 'Press Ctrl-C to stop everything.')
  return lines.join('\n')
}
