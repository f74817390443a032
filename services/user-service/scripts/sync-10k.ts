/**
 * The measurement of issue 3's "Done when": 10,000 users in a fresh cognito-local pool
 * (created through the SDK), then
 *   A. this service's sync, linking 10,000 existing unlinked rows (and a re-run: unchanged);
 *   B. this service's sync into an empty table (creating all 10,000 rows);
 *   C. the original's method on the same Postgres: the ListUsers page loop, then one
 *      `UPDATE users SET cognito_user_id = $sub WHERE handle = $handle` per user.
 * Not part of the tests. Run (starts its own throw-away stack unless CRUDDUR_STACK is set):
 *   cd services/user-service && pnpm exec cruddur-stack run -- tsx scripts/sync-10k.ts [count]
 * `--paged` instead feeds the sync synthetic users in pages of 60 (what real Cognito answers;
 * cognito-local ignores Limit), to measure the per-page statements without creating users.
 */
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { createTestDatabase, testStack, uniqueSuffix } from '@cruddur/local-stack/testing'
import postgres from 'postgres'
import {
  type CognitoUserRecord,
  cognitoUserPages,
  migrate,
  syncCognitoUsers,
} from '../src/directory/index.js'
import { createBulkUsers } from '../tools/bulk-users.js'

const COUNT = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10_000)
const PAGED = process.argv.includes('--paged')
let t0 = performance.now()
const facts = testStack()
const log = (line: string) => process.stdout.write(`${line}\n`)
const client = new CognitoIdentityProviderClient({
  endpoint: facts.cognito.endpoint,
  region: facts.region,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
})

async function freshDb(label: string) {
  const db = await createTestDatabase(facts, `sync10k_${label}`)
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  await migrate(sql)
  return { db, sql }
}

/** The same 10,000 handles as unlinked rows, as the seed/sign-up of the original left them. */
async function preload(sql: postgres.Sql, users: CognitoUserRecord[]) {
  await sql`
    insert into users (display_name, handle, email)
    select * from unnest(${users.map((u) => u.name ?? '')}::text[], ${users.map((u) => u.handle ?? '')}::text[],
                         ${users.map((u) => u.email ?? '')}::text[])`
}

if (PAGED) {
  const users: CognitoUserRecord[] = Array.from({ length: COUNT }, (_, i) => ({
    username: `u${i}`,
    sub: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    handle: `u${i}`,
    email: `u${i}@example.com`,
    emailVerified: true,
    name: `User ${i}`,
    status: 'CONFIRMED',
    enabled: true,
  }))
  async function* pagesOf60() {
    for (let i = 0; i < users.length; i += 60) yield users.slice(i, i + 60)
  }
  for (const mode of ['link', 'create'] as const) {
    const { db, sql } = await freshDb(`paged_${mode}`)
    if (mode === 'link') await preload(sql, users)
    const store = sql
    t0 = performance.now()
    const report = await syncCognitoUsers({ sql: store, pages: pagesOf60() })
    log(
      `paged (60/page) service sync, ${mode}: ${(performance.now() - t0).toFixed(0)} ms wall, ${report.pages} pages, ${report.sqlStatements} SQL statements, updated ${report.updated}, created ${report.created}`,
    )
    t0 = performance.now()
    const again = await syncCognitoUsers({ sql: store, pages: pagesOf60() })
    log(
      `   re-run: ${(performance.now() - t0).toFixed(0)} ms wall, ${again.sqlStatements} SQL statements, unchanged ${again.unchanged}`,
    )
    await sql.end()
    await db.drop()
  }
  client.destroy()
  process.exit(0)
}

const pool = await client.send(new CreateUserPoolCommand({ PoolName: `sync-10k-${uniqueSuffix()}` }))
const userPoolId = pool.UserPool?.Id as string
t0 = performance.now()
await createBulkUsers(client, userPoolId, COUNT, {
  prefix: 'u',
  concurrency: 8,
  confirmed: true, // the sync links only CONFIRMED users with a verified e-mail
  onProgress: (done) => {
    if (done % 1000 === 0)
      log(`  created ${done} Cognito users (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  },
})
const createSeconds = (performance.now() - t0) / 1000
log(
  `created ${COUNT} users in cognito-local pool ${userPoolId} in ${createSeconds.toFixed(1)} s (concurrency 8)`,
)

t0 = performance.now()
const listed: CognitoUserRecord[] = []
let listPages = 0
for await (const page of cognitoUserPages(client, userPoolId)) {
  listPages++
  listed.push(...page)
}
const listMs = performance.now() - t0
log(`ListUsers alone: ${listed.length} users in ${listPages} page(s), ${listMs.toFixed(0)} ms`)

const results: Record<string, unknown> = { count: COUNT, createSeconds, listMs: Math.round(listMs) }

{
  const { db, sql } = await freshDb('link')
  await preload(sql, listed)
  const store = sql
  t0 = performance.now()
  const report = await syncCognitoUsers({ sql: store, pages: cognitoUserPages(client, userPoolId) })
  const wall = performance.now() - t0
  log(
    `A. service sync, linking ${COUNT} unlinked rows: ${wall.toFixed(0)} ms wall, ${report.sqlStatements} SQL statements, updated ${report.updated}, conflicts ${report.conflicts}`,
  )
  t0 = performance.now()
  const again = await syncCognitoUsers({ sql: store, pages: cognitoUserPages(client, userPoolId) })
  const wallAgain = performance.now() - t0
  log(
    `   re-run: ${wallAgain.toFixed(0)} ms wall, ${again.sqlStatements} SQL statements, unchanged ${again.unchanged}`,
  )
  results.serviceLink = {
    wallMs: Math.round(wall),
    statements: report.sqlStatements,
    updated: report.updated,
  }
  results.serviceRerun = {
    wallMs: Math.round(wallAgain),
    statements: again.sqlStatements,
    unchanged: again.unchanged,
  }
  await sql.end()
  await db.drop()
}

{
  const { db, sql } = await freshDb('create')
  const store = sql
  t0 = performance.now()
  const report = await syncCognitoUsers({ sql: store, pages: cognitoUserPages(client, userPoolId) })
  const wall = performance.now() - t0
  log(
    `B. service sync into an empty table: ${wall.toFixed(0)} ms wall, ${report.sqlStatements} SQL statements, created ${report.created}`,
  )
  results.serviceCreate = {
    wallMs: Math.round(wall),
    statements: report.sqlStatements,
    created: report.created,
  }
  await sql.end()
  await db.drop()
}

for (const variant of ['verbatim', 'indexed'] as const) {
  const { db, sql } = await freshDb(`orig_${variant}`)
  await preload(sql, listed)
  t0 = performance.now()
  let statements = 0
  // The original's loop: every page (it read only the first; we give it all), then one UPDATE per user.
  for await (const page of cognitoUserPages(client, userPoolId)) {
    for (const user of page) {
      statements++
      if (variant === 'verbatim')
        await sql`update users set cognito_user_id = ${user.sub} where handle = ${user.handle}`
      else
        await sql`update users set cognito_user_id = ${user.sub} where lower(handle) = lower(${user.handle})`
    }
  }
  const wall = performance.now() - t0
  const [linked] = await sql<{ n: number }[]>`select count(cognito_user_id)::int as n from users`
  log(
    `C. original method (${variant === 'verbatim' ? 'WHERE handle = $1, as the original' : 'WHERE lower(handle) = lower($1), using our index'}): ${wall.toFixed(0)} ms wall, ${statements} SQL statements, linked ${linked?.n}`,
  )
  results[`original_${variant}`] = { wallMs: Math.round(wall), statements, linked: linked?.n }
  await sql.end()
  await db.drop()
}

log(JSON.stringify(results))
client.destroy()
