import { spawn } from 'node:child_process'
import { existsSync, lstatSync } from 'node:fs'
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { connectHost, isLoopback, LOOPBACK } from './bind.js'
import { assertPortFree } from './ports.js'
import { grantTraverse, postgresSystemUser, type SystemUser, type TraverseGrant } from './postgres-access.js'
import { postgresBinaries } from './postgres-binaries.js'
import { awaitReady, startProcess } from './process.js'

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
  /** The listen address (127.0.0.1 unless STACK_BIND asks otherwise). */
  bind?: string
  log?: (line: string) => void
}

const USER = 'postgres'
const PASSWORD = 'postgres'

/**
 * Makes the data folder, or accepts the one a previous start made: never one someone else
 * made. It must be a real folder (not a symlink) owned by whoever runs the server; a missing
 * one is created with a plain mkdir (no -p on the last step), so a folder planted between our
 * check and our mkdir fails the mkdir instead of being used.
 */
export async function claimDataDir(dataDir: string, owner: { uid: number; gid: number }): Promise<void> {
  let st: ReturnType<typeof lstatSync> | undefined
  try {
    st = lstatSync(dataDir)
  } catch {
    st = undefined
  }
  if (!st) {
    await mkdir(dataDir, { mode: 0o700 })
    if (os.userInfo().uid === 0) await chown(dataDir, owner.uid, owner.gid)
    return
  }
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new Error(
      `refusing the PostgreSQL data folder ${dataDir}: it is not a real folder (a symlink or a file)`,
    )
  if (st.uid !== owner.uid)
    throw new Error(
      `refusing the PostgreSQL data folder ${dataDir}: it belongs to uid ${st.uid}, not to the server's user (uid ${owner.uid})`,
    )
  // PostgreSQL itself refuses a data folder others can enter.
  if ((st.mode & 0o077) !== 0) await chmod(dataDir, 0o700)
}

/** initdb into an empty folder; the password file lives in a private temp folder for its duration. */
async function initialise(
  initdb: string,
  dataDir: string,
  runAs: SystemUser | undefined,
  log: (l: string) => void,
) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cruddur-initdb-'))
  const pwfile = path.join(tmp, 'pw')
  try {
    await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 })
    if (runAs) {
      await chown(tmp, runAs.uid, runAs.gid)
      await chown(pwfile, runAs.uid, runAs.gid)
    }
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      '--no-locale',
      '--encoding=UTF8',
      '--no-instructions',
    ]
    await new Promise<void>((resolve, reject) => {
      const child = spawn(initdb, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      })
      let output = ''
      const keep = (chunk: Buffer) => {
        output += chunk.toString('utf8')
      }
      child.stdout.on('data', keep)
      child.stderr.on('data', keep)
      child.on('error', reject)
      child.on('exit', (code) => {
        for (const line of output.split('\n')) if (line.trim()) log(line)
        if (code === 0) resolve()
        else
          reject(
            new Error(`initdb failed (exit ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`),
          )
      })
    })
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

/**
 * Who may connect, rewritten at every start so it always matches this start's listen address:
 * loopback only, or any address when STACK_BIND asked for more (password still required).
 */
async function writeHba(dataDir: string, bind: string, runAs: SystemUser | undefined): Promise<string> {
  const file = path.join(dataDir, 'cruddur_hba.conf')
  const lines = ['host all all 127.0.0.1/32 scram-sha-256', 'host all all ::1/128 scram-sha-256']
  if (!isLoopback(bind)) lines.push('host all all 0.0.0.0/0 scram-sha-256', 'host all all ::/0 scram-sha-256')
  await writeFile(file, `# written by cruddur-stack at each start\n${lines.join('\n')}\n`, { mode: 0o600 })
  if (runAs) await chown(file, runAs.uid, runAs.gid)
  return file
}

export async function startPostgres(options: PostgresOptions): Promise<PostgresEngine> {
  const bind = options.bind ?? LOOPBACK
  await assertPortFree('PostgreSQL', options.port, 'POSTGRES_PORT')
  const log = options.log ?? (() => {})
  const binaries = await postgresBinaries()
  const dataDir = path.resolve(options.dataDir)
  const runAs = os.userInfo().uid === 0 ? await postgresSystemUser() : undefined
  // The folder above the data folder is ours (.local/, a temp folder): made first, so that the
  // postgres user is granted what it needs to reach through it.
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o700 })
  let grant: TraverseGrant | undefined
  if (runAs) {
    grant = await grantTraverse([binaries.home, dataDir], runAs, (line) =>
      process.stderr.write(`cruddur-stack: ${line}\n`),
    )
  }
  try {
    await claimDataDir(dataDir, runAs ?? os.userInfo())
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(binaries.initdb, dataDir, runAs, log)
    const hba = await writeHba(dataDir, bind, runAs)
    const flags = [
      ['listen_addresses', bind],
      ['unix_socket_directories', ''],
      ['max_connections', '300'],
      ['hba_file', hba],
      ...(options.ephemeral
        ? [
            ['fsync', 'off'],
            ['synchronous_commit', 'off'],
            ['full_page_writes', 'off'],
          ]
        : []),
    ].flatMap(([key, value]) => ['-c', `${key}=${value}`])
    const proc = startProcess(
      'PostgreSQL',
      binaries.postgres,
      ['-D', dataDir, '-p', String(options.port), ...flags],
      {
        ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
        env: { ...process.env, LC_MESSAGES: 'C' },
        onLine: log,
        // PostgreSQL's fast shutdown: roll back open transactions, close sessions, exit.
        deathSignal: 'SIGINT',
      },
    )
    const host = connectHost(bind)
    const url = (database = 'postgres') =>
      `postgres://${USER}:${PASSWORD}@${host}:${options.port}/${database}`
    await awaitReady(proc, `PostgreSQL on port ${options.port} (data in ${dataDir})`, async () => {
      const sql = postgres(url(), { max: 1, connect_timeout: 2, onnotice: () => {} })
      try {
        await sql`select 1`
      } finally {
        await sql.end({ timeout: 1 })
      }
    })
    return {
      url,
      dataDir,
      async stop() {
        await proc.stop('SIGINT', 15_000)
        if (options.ephemeral) await rm(dataDir, { recursive: true, force: true })
        await grant?.release()
      },
    }
  } catch (error) {
    await grant?.release()
    throw error
  }
}
