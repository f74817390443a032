import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { connectHost, isLoopback, stackBind } from './bind.js'
import { type Engines, startEngines } from './engines.js'
import type { StackFacts } from './facts.js'
import { type LambdaFunction, startLambdaEndpoint } from './lambda-endpoint.js'
import { localDir, stackJsonPath } from './paths.js'
import { assertPortFree } from './ports.js'
import { POST_CONFIRMATION_FUNCTION, postConfirmationFunction } from './post-confirmation.js'
import { securePrivateDir, writePrivateFile } from './private-files.js'
import type { ManagedProcess } from './process.js'
import { DEFAULT_FRONTEND_URL, type ServiceName } from './service-env.js'
import { awaitServiceReady, runSetupHook, startService } from './services.js'
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
  /** What the banner must say about exposure (DynamoDB Local's containment, STACK_BIND). */
  notes: string[]
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
  await writePrivateFile(file, `${secret}\n`)
  return secret
}

/** `pnpm start`: engines, setup hooks, both services; data under .local/. */
/** Where a browser on this machine opens the gateway's page. */
const pageOrigins = (gatewayPort: number) => [
  `http://localhost:${gatewayPort}`,
  `http://127.0.0.1:${gatewayPort}`,
]

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { env, print, root } = options
  const region = env.AWS_REGION || 'us-east-1'
  const bind = stackBind(env)
  const frontendUrl = env.FRONTEND_URL?.trim() || DEFAULT_FRONTEND_URL
  const ports = {
    gateway: port(env, 'GATEWAY_PORT', 4000),
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
    await assertPortFree('gateway', ports.gateway, 'GATEWAY_PORT')
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
  }
  await securePrivateDir(dir, print)

  // cognito-local's PostConfirmation trigger calls this; the function is set once the facts are known.
  const functions: Record<string, LambdaFunction> = {}
  const lambda = await startLambdaEndpoint({ functions, log: (line) => print(`post-confirmation: ${line}`) })

  print('starting PostgreSQL, DynamoDB Local and cognito-local…')
  const t0 = Date.now()
  let engines: Engines
  try {
    engines = await startEngines({
      region,
      ports,
      dirs,
      bind,
      corsOrigins: frontendUrl,
      // The gateway's own page signs in from the browser too, by either loopback name.
      cognitoCorsOrigins: [frontendUrl, ...pageOrigins(ports.gateway)].join(','),
      userPoolId: LOCAL_POOL_ID(region),
      ephemeral: false,
      triggers: { lambdaEndpoint: lambda.endpoint, postConfirmation: POST_CONFIRMATION_FUNCTION },
      onConfirmationCode: (destination, code) => print(`confirmation code for ${destination}: ${code}`),
    })
  } catch (error) {
    await lambda.stop()
    throw error
  }
  print(`engines ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

  const host = connectHost(bind)
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
    gateway: { url: `http://${host}:${ports.gateway}` },
    userService: { url: `http://${host}:${ports.userService}` },
    messagingService: { url: `http://${host}:${ports.messagingService}` },
    internalToken: await persistentSecret(dir, 'internal-token', 24),
    cursorSecret: await persistentSecret(dir, 'cursor-secret', 32),
    demoPassword: DEMO_PASSWORD,
    demoUsers: DEMO_USERS,
    demoEmails: DEMO_EMAILS,
  }
  functions[POST_CONFIRMATION_FUNCTION] = postConfirmationFunction(root, facts)
  const envOptions = { host: bind, from: env }

  const running: ManagedProcess[] = []
  // The gateway has no setup hook and only forwards, so it boots while messaging-service's hook
  // runs (about a second off a cold start); it is awaited ready last, once both services are.
  let gateway: Promise<ManagedProcess> | undefined
  const stop = async () => {
    // The public door first, then the services, each draining its in-flight requests while the
    // engines still answer.
    const door = await gateway?.catch(() => undefined)
    gateway = undefined
    await door?.stop('SIGTERM', 15_000)
    for (const proc of running.splice(0).reverse()) await proc.stop('SIGTERM', 15_000)
    await engines.stop()
    await lambda.stop()
    await rm(stackJsonPath(root), { force: true })
  }
  const start = (service: ServiceName, probe?: '/health') =>
    startService(root, service, facts, (line) => print(`[${service}] ${line}`), 'info', envOptions, probe)

  try {
    await runSetupHook(root, 'user-service', facts, print, envOptions)
    // messaging-service's hook needs user-service (the demo conversation resolves users over
    // HTTP), so pnpm dev starts it for the hook too, then stops it.
    running.push(await start('user-service'))
    if (options.services) {
      gateway = start('gateway', '/health')
      gateway.catch(() => {}) // awaited below or by stop(); not an unhandled rejection meanwhile
    }
    await runSetupHook(root, 'messaging-service', facts, print, envOptions)
    if (options.services) {
      running.push(await start('messaging-service'))
      await awaitServiceReady(await (gateway as Promise<ManagedProcess>), facts, 'gateway')
    } else {
      // pnpm dev: the services' own watch tasks take over from here.
      for (const proc of running.splice(0).reverse()) await proc.stop()
    }
    await writePrivateFile(stackJsonPath(root), `${JSON.stringify(facts, null, 2)}\n`)
  } catch (error) {
    await stop()
    throw error
  }
  return { facts, notes: exposureNotes(engines, bind), stop }
}

/** Never pretends: what is reachable from beyond this machine's loopback, said in the banner. */
export function exposureNotes(engines: Engines, bind: string): string[] {
  const notes: string[] = []
  if (!isLoopback(bind))
    notes.push(
      `WARNING: listening on ${bind} as STACK_BIND asked: anyone who can reach this machine reaches the ` +
        'engines, which have no authentication of their own (DynamoDB Local accepts any signature, ' +
        'cognito-local answers admin calls without credentials).',
    )
  const isolation = engines.dynamodb.isolation
  if (isolation.contained)
    notes.push(
      `DynamoDB Local (no listen-address option of its own) runs in its ${isolation.how}: only the bridge ` +
        `at ${engines.dynamodb.endpoint} reaches it.`,
    )
  else
    notes.push(
      'WARNING: DynamoDB Local listens on every network interface of this machine (it has no listen-address ' +
        `option and could not be contained here: ${isolation.reason}). Anyone who can reach port ` +
        `${new URL(engines.dynamodb.endpoint).port} on this machine can read and change its data.`,
    )
  return notes
}
