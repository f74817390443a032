/**
 * Scenario 4: Cognito → Postgres sync of N users (BENCH_SYNC_USERS, default 50,000), the
 * user-service's sync vs. the original's method (ListUsers page loop, then one UPDATE per
 * user) on the same Postgres and the same pool. SQL statements are counted client-side by the
 * postgres driver's debug hook, the same way for both.
 *
 * cognito-local rewrites its whole JSON file on every user it creates (quadratic: ~2,000 users
 * take ~25 s, 10,000 would take ~7 min), so only the first BENCH_SYNC_SDK_USERS (default 300)
 * are created through the SDK (timed, for the record); the rest are appended to the pool file
 * in the very shape cognito-local wrote for the first ones, and the engine is restarted on it.
 *
 * Then the sync as an operator runs it: the user-service's CLI (`cognito:sync --json`) as a child
 * process on the same Postgres and pool, its peak RSS (VmHWM) read from /proc while it runs.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  paginateListUsers,
} from '@aws-sdk/client-cognito-identity-provider'
import {
  type CognitoEngine,
  freePort,
  localCognitoClient,
  randomPoolId,
  startCognito,
} from '@cruddur/local-stack'
import { cognitoUserPages, syncCognitoUsers } from '@cruddur/user-service/directory'
import postgres, { type Sql } from 'postgres'
import { memoryOf } from '../harness.js'
import { ratio, round } from '../stats.js'

export interface SyncMethodRun {
  seconds: number
  statements: number
  /** What the method says it did (the service's SyncReport, or the original's UPDATE count). */
  detail: Record<string, unknown>
}

export interface CognitoSyncResult {
  users: number
  createdViaSdk: number
  sdkCreateSeconds: number
  seedSeconds: number
  link: {
    original: SyncMethodRun
    service: SyncMethodRun
    timeRatio: number | null
    statementRatio: number | null
  }
  rerun: {
    original: SyncMethodRun
    service: SyncMethodRun
    timeRatio: number | null
    statementRatio: number | null
  }
  cognitoLocalPages: number
  /** The CLI run (linking every unlinked row), as its own process. */
  cli: CliSyncRun
}

export interface CliSyncRun {
  seconds: number
  /** What the CLI's report says: its statements and its own duration. */
  statements: number
  durationMs: number
  created: number
  updated: number
  /** The process's peak resident set size (VmHWM), MiB; null when /proc could not be read. */
  peakRssMiB: number | null
}

/**
 * `node dist/cli/index.js cognito:sync --json` against the pool and database, reading the child's
 * VmHWM every 20 ms (it only grows, so the last reading before exit is the peak).
 */
async function cliSync(cli: string, env: Record<string, string>): Promise<CliSyncRun> {
  const t0 = performance.now()
  const child = spawn(process.execPath, [cli, 'cognito:sync', '--json'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (err += d))
  let peak: number | null = null
  const timer = setInterval(() => {
    const m = memoryOf(child.pid)
    if (m && Number.isFinite(m.peakMiB)) peak = Math.max(peak ?? 0, m.peakMiB)
  }, 20)
  const [code] = (await once(child, 'exit')) as [number | null]
  clearInterval(timer)
  const seconds = round((performance.now() - t0) / 1000, 3)
  if (code !== 0) throw new Error(`cognito:sync exited with ${code}: ${err.slice(-2_000)}`)
  const report = JSON.parse(out) as {
    sqlStatements: number
    durationMs: number
    created: number
    updated: number
  }
  return {
    seconds,
    statements: report.sqlStatements,
    durationMs: report.durationMs,
    created: report.created,
    updated: report.updated,
    peakRssMiB: peak,
  }
}

const handleOf = (n: number) => `benchuser${n}`

const emailOf = (n: number) => `${handleOf(n)}@example.com`

/**
 * Users as a sign-up leaves them (the pool signs in by e-mail, so the e-mail is the username):
 * verified e-mail, CONFIRMED once the password is set. Only such users may be linked to a row.
 */
async function createViaSdk(
  client: CognitoIdentityProviderClient,
  pool: string,
  count: number,
  // One at a time: cognito-local rewrites its pool file on every change, and overlapping
  // rewrites (two calls per user) can leave the file with a tail of an older, longer version.
  concurrency = 1,
) {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId: pool,
            Username: emailOf(n),
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'preferred_username', Value: handleOf(n) },
              { Name: 'email', Value: emailOf(n) },
              { Name: 'email_verified', Value: 'true' },
              { Name: 'name', Value: `Bench User ${n}` },
            ],
          }),
        )
        await client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: pool,
            Username: emailOf(n),
            Password: 'Bench-Passw0rd!',
            Permanent: true,
          }),
        )
      }
    }),
  )
}

/** Appends users `from`..`to-1` to the pool file, copying a user cognito-local wrote itself. */
async function appendToPoolFile(file: string, from: number, to: number) {
  const db = JSON.parse(await readFile(file, 'utf8')) as { Users: Record<string, Record<string, unknown>> }
  const template = Object.values(db.Users)[0]
  if (!template) throw new Error('cognito-local wrote no user to copy the shape from')
  for (let n = from; n < to; n++) {
    db.Users[emailOf(n)] = {
      ...template,
      Username: emailOf(n),
      Attributes: [
        { Name: 'email', Value: emailOf(n) },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: `Bench User ${n}` },
        { Name: 'preferred_username', Value: handleOf(n) },
        { Name: 'sub', Value: randomUUID() },
      ],
    }
  }
  await writeFile(file, JSON.stringify(db))
}

function countingSql(url: string) {
  let statements = 0
  const sql = postgres(url, {
    max: 4,
    onnotice: () => {},
    debug: () => {
      statements++
    },
  })
  return { sql, statements: () => statements, reset: () => (statements = 0) }
}

/** The original bin/cognito/sync, with the page loop it lacked: ListUsers pages, one UPDATE per user. */
async function originalSync(client: CognitoIdentityProviderClient, pool: string, sql: Sql) {
  let token: string | undefined
  let pages = 0
  let updates = 0
  do {
    const page = await client.send(
      new ListUsersCommand({
        UserPoolId: pool,
        AttributesToGet: ['preferred_username', 'sub'],
        Limit: 60,
        ...(token ? { PaginationToken: token } : {}),
      }),
    )
    pages++
    for (const user of page.Users ?? []) {
      const attr = (name: string) => user.Attributes?.find((a) => a.Name === name)?.Value
      const handle = attr('preferred_username')
      const sub = attr('sub')
      if (!handle || !sub) continue
      await sql`UPDATE public.users SET cognito_user_id = ${sub} WHERE users.handle = ${handle}`
      updates++
    }
    token = page.PaginationToken
  } while (token)
  return { pages, updates }
}

export async function measureCognitoSync(options: {
  users: number
  sdkUsers: number
  databaseUrl: string
  region: string
  /** The user-service's CLI entry (dist/cli/index.js). */
  cli: string
  prepareDatabase: (url: string) => Promise<void>
  print: (line: string) => void
}): Promise<CognitoSyncResult> {
  const { users, region, print } = options
  const sdkUsers = Math.min(options.sdkUsers, users)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cruddur-bench-cognito-'))
  const pool = randomPoolId(region)
  const port = await freePort()
  let engine: CognitoEngine | undefined
  let client: CognitoIdentityProviderClient | undefined
  const counted = countingSql(options.databaseUrl)
  try {
    engine = await startCognito({ port, dataDir: dir, region, userPoolId: pool })
    client = localCognitoClient(engine.endpoint, region)
    const c0 = performance.now()
    await createViaSdk(client, pool, Math.max(sdkUsers, 1))
    const sdkCreateSeconds = (performance.now() - c0) / 1000
    print(`  created ${Math.max(sdkUsers, 1)} Cognito users via the SDK in ${sdkCreateSeconds.toFixed(1)} s`)
    const s0 = performance.now()
    if (users > sdkUsers) {
      client.destroy()
      await engine.stop()
      await appendToPoolFile(path.join(dir, '.cognito', 'db', `${pool}.json`), Math.max(sdkUsers, 1), users)
      engine = await startCognito({ port, dataDir: dir, region, userPoolId: pool })
      client = localCognitoClient(engine.endpoint, region)
    }
    let listed = 0
    for await (const page of paginateListUsers({ client, pageSize: 60 }, { UserPoolId: pool }))
      listed += page.Users?.length ?? 0
    if (listed !== users) throw new Error(`the pool holds ${listed} users, expected ${users}`)

    await options.prepareDatabase(options.databaseUrl)
    // The directory as the original had it: every user present, none linked to Cognito yet.
    const rows = Array.from({ length: users }, (_, n) => n)
    for (let i = 0; i < rows.length; i += 5_000) {
      const chunk = rows.slice(i, i + 5_000)
      await counted.sql`
        insert into users (display_name, handle, email)
        select * from unnest(${chunk.map((n) => `Bench User ${n}`)}::text[], ${chunk.map(handleOf)}::text[],
                             ${chunk.map(emailOf)}::text[])`
    }
    const seedSeconds = (performance.now() - s0) / 1000
    print(`  seeded the rest of the pool and ${users} unlinked rows in ${seedSeconds.toFixed(1)} s`)

    const cognito = client
    const runOriginal = async (): Promise<SyncMethodRun> => {
      counted.reset()
      const t0 = performance.now()
      const detail = await originalSync(cognito, pool, counted.sql)
      return { seconds: round((performance.now() - t0) / 1000, 3), statements: counted.statements(), detail }
    }
    const runService = async (): Promise<SyncMethodRun> => {
      counted.reset()
      const t0 = performance.now()
      const report = await syncCognitoUsers({
        sql: counted.sql,
        pages: cognitoUserPages(cognito, pool),
      })
      const { orphans: _o, conflictDetails: _c, ...detail } = report
      return { seconds: round((performance.now() - t0) / 1000, 3), statements: counted.statements(), detail }
    }
    const unlink = () => counted.sql`update users set cognito_user_id = null`
    const pair = (original: SyncMethodRun, service: SyncMethodRun) => ({
      original,
      service,
      timeRatio: ratio(original.seconds, service.seconds),
      statementRatio: ratio(original.statements, service.statements),
    })

    // Warm-up (connections, JIT), then each method on the same starting state.
    await runService()
    await unlink()
    const linkOriginal = await runOriginal()
    const rerunOriginal = await runOriginal()
    await unlink()
    const linkService = await runService()
    const rerunService = await runService()
    await unlink()
    const cli = await cliSync(options.cli, {
      DATABASE_URL: options.databaseUrl,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      COGNITO_ENDPOINT: engine.endpoint,
      COGNITO_USER_POOL_ID: pool,
    })
    print(`  the CLI's sync: ${cli.seconds} s, ${cli.statements} statements, peak RSS ${cli.peakRssMiB} MiB`)
    if (cli.updated !== users) throw new Error(`the CLI's sync linked ${cli.updated} of ${users} users`)
    return {
      users,
      createdViaSdk: Math.max(sdkUsers, 1),
      sdkCreateSeconds: round(sdkCreateSeconds, 2),
      seedSeconds: round(seedSeconds, 2),
      link: pair(linkOriginal, linkService),
      rerun: pair(rerunOriginal, rerunService),
      cognitoLocalPages: Number((linkOriginal.detail as { pages: number }).pages),
      cli,
    }
  } finally {
    await counted.sql.end({ timeout: 2 })
    client?.destroy()
    await engine?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
