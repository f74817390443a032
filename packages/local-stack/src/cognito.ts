import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { connectHost, LOOPBACK } from './bind.js'
import { confirmationCodes } from './confirmation-codes.js'
import { assertPortFree } from './ports.js'
import { awaitReady, startProcess } from './process.js'
import { DEFAULT_FRONTEND_URL } from './service-env.js'

export interface CognitoEngine {
  endpoint: string
  userPoolId: string
  clientId: string
  jwksUrl: string
  /** The issuer the tokens carry; AWS-shaped so the production verifier accepts them. */
  issuer: string
  stop(): Promise<void>
}

export interface CognitoOptions {
  port: number
  dataDir: string
  region: string
  /** An AWS-format pool id (`<region>_<id>`), so aws-jwt-verify accepts it. */
  userPoolId?: string
  /** The listen address (127.0.0.1 unless STACK_BIND asks otherwise). */
  bind?: string
  /** The browser origins allowed (comma-separated, as FRONTEND_URL); cognito-local's own default is `*`. */
  corsOrigins?: string
  /** Where its Lambda triggers go: a Lambda Invoke endpoint and the PostConfirmation function's name. */
  triggers?: { lambdaEndpoint: string; postConfirmation: string }
  /** Each confirmation code cognito-local would have e-mailed (it only logs them). */
  onConfirmationCode?: (destination: string, code: string) => void
  log?: (line: string) => void
}

export const CLIENT_NAME = 'cruddur-web'

/** The pool's username attributes: sign-in by e-mail, as in Cruddur's real pool. */
export const SIGN_IN_ATTRIBUTES = ['email']
/** Sign-up sends a code to the e-mail address, which confirming it verifies (as in the real pool). */
export const AUTO_VERIFIED_ATTRIBUTES = ['email']

export function localCognitoClient(endpoint: string, region: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  })
}

export function randomPoolId(region: string): string {
  return `${region}_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 9)}`
}

/**
 * cognito-local keeps one JSON file per pool under `.cognito/db/` and reads the pool ids from
 * those file names when it starts; its CreateUserPool makes `local_…` ids, which AWS's JWT
 * verifier rejects. So we write the pool file ourselves before starting it.
 */
async function prepareDataDir(
  dataDir: string,
  region: string,
  userPoolId: string,
  triggers: CognitoOptions['triggers'],
): Promise<void> {
  const cognitoDir = path.join(dataDir, '.cognito')
  const dbDir = path.join(cognitoDir, 'db')
  await mkdir(dbDir, { recursive: true, mode: 0o700 })
  const config = {
    // Pools created through the API (the user-service tests make their own) keep cognito-local's
    // plain usernames; the stack's own pool gets e-mail sign-in in its options below.
    UserPoolDefaults: { UsernameAttributes: [] },
    TokenConfig: { IssuerDomain: `https://cognito-idp.${region}.amazonaws.com` },
    // Rewritten at every start: the Lambda endpoint's port is chosen anew each time.
    ...(triggers
      ? {
          LambdaClient: {
            endpoint: triggers.lambdaEndpoint,
            region,
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
            maxRetries: 0,
          },
          TriggerFunctions: { PostConfirmation: triggers.postConfirmation },
        }
      : {}),
  }
  await writeFile(path.join(cognitoDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, {
    mode: 0o600,
  })
  const poolFile = path.join(dbDir, `${userPoolId}.json`)
  const pool = existsSync(poolFile)
    ? (JSON.parse(await readFile(poolFile, 'utf8')) as { Options?: Record<string, unknown> })
    : ({} as { Options?: Record<string, unknown> })
  // Like Cruddur's real pool, people sign in with their e-mail (the username attribute). A
  // pool kept from an older stack (sign-in by handle) is switched too: its users keep working,
  // as cognito-local also finds a user by the e-mail attribute once e-mail is a username attribute.
  const options = pool.Options ?? { ...cognitoLocalPoolDefaults(), Id: userPoolId }
  const wanted = { UsernameAttributes: SIGN_IN_ATTRIBUTES, AutoVerifiedAttributes: AUTO_VERIFIED_ATTRIBUTES }
  const same = (key: keyof typeof wanted) => JSON.stringify(options[key]) === JSON.stringify(wanted[key])
  if (pool.Options && same('UsernameAttributes') && same('AutoVerifiedAttributes')) return
  await writeFile(
    poolFile,
    `${JSON.stringify({ Users: {}, ...pool, Options: { ...options, ...wanted } }, null, 2)}\n`,
    { mode: 0o600 },
  )
}

/** The options cognito-local gives a pool it finds without any (its AWS-like defaults). */
function cognitoLocalPoolDefaults(): Record<string, unknown> {
  const require = createRequire(import.meta.url)
  const service = require('cognito-local/lib/services/cognitoService.js') as {
    USER_POOL_AWS_DEFAULTS: Record<string, unknown>
  }
  return structuredClone(service.USER_POOL_AWS_DEFAULTS)
}

async function ensureAppClient(client: CognitoIdentityProviderClient, userPoolId: string): Promise<string> {
  const existing = await client.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  )
  const found = existing.UserPoolClients?.find((c) => c.ClientName === CLIENT_NAME)
  if (found?.ClientId) return found.ClientId
  const created = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: CLIENT_NAME,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  )
  if (!created.UserPoolClient?.ClientId) throw new Error('cognito-local created a client without an id')
  return created.UserPoolClient.ClientId
}

export async function startCognito(options: CognitoOptions): Promise<CognitoEngine> {
  await assertPortFree('cognito-local', options.port, 'COGNITO_PORT')
  const userPoolId = options.userPoolId ?? randomPoolId(options.region)
  const bind = options.bind ?? LOOPBACK
  await prepareDataDir(options.dataDir, options.region, userPoolId, options.triggers)
  const require = createRequire(import.meta.url)
  const entry = path.join(
    path.dirname(require.resolve('cognito-local/package.json')),
    'lib',
    'bin',
    'start.js',
  )
  const codes = confirmationCodes(options.onConfirmationCode)
  const proc = startProcess('cognito-local', process.execPath, [entry], {
    cwd: options.dataDir,
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: bind,
      DEBUG: '',
      COGNITO_LOCAL_CORS_ORIGINS: options.corsOrigins ?? DEFAULT_FRONTEND_URL,
    },
    onLine: (line) => {
      codes(line)
      options.log?.(line)
    },
  })
  const endpoint = `http://${connectHost(bind)}:${options.port}`
  const client = localCognitoClient(endpoint, options.region)
  let clientId: string
  try {
    await awaitReady(proc, 'cognito-local', () =>
      client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })),
    )
    clientId = await ensureAppClient(client, userPoolId).catch(async (error: unknown) => {
      await proc.stop('SIGKILL')
      throw error
    })
  } finally {
    client.destroy()
  }
  return {
    endpoint,
    userPoolId,
    clientId,
    jwksUrl: `${endpoint}/${userPoolId}/.well-known/jwks.json`,
    issuer: `https://cognito-idp.${options.region}.amazonaws.com/${userPoolId}`,
    stop: () => proc.stop('SIGTERM', 5_000),
  }
}
