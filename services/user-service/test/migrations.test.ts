import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { loadMigrations, MIGRATIONS_DIR, migrate } from '../src/directory/index.js'
import { sqlClient, testDatabase } from './helper.js'

async function tables(sql: ReturnType<typeof sqlClient>) {
  const rows = await sql<{ table_name: string }[]>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`
  return rows.map((r) => r.table_name)
}

async function tempMigrations(t: Test, extra: Record<string, string>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'user-migrations-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await cp(MIGRATIONS_DIR, dir, { recursive: true })
  for (const [file, text] of Object.entries(extra)) await writeFile(path.join(dir, file), text)
  return dir
}

t.test('a fresh database gets the users table; a re-run is a no-op', async (t) => {
  const db = await testDatabase(t, { migrate: false })
  const sql = sqlClient(t, db.url)
  const first = await migrate(sql)
  t.same(first.applied, ['0001_create_users.sql'])
  t.same(await tables(sql), ['schema_migrations', 'users'])
  const second = await migrate(sql)
  t.same(second, { applied: [], alreadyApplied: ['0001_create_users.sql'] })
  const [record] = await sql`select version, name from schema_migrations`
  t.match(record, { version: '0001', name: 'create_users' })
})

t.test(
  'users: handle and email unique case-insensitively, sub unique, uuid and created_at generated',
  async (t) => {
    const db = await testDatabase(t)
    const sql = sqlClient(t, db.url)
    const [row] = await sql`
    insert into users (display_name, handle, email) values ('A', 'Alice', 'A@x.io') returning *`
    t.match(row, { handle: 'Alice', email: 'A@x.io', cognito_user_id: null })
    t.match(row?.uuid, /^[0-9a-f-]{36}$/)
    t.ok(row?.created_at instanceof Date)
    await t.rejects(sql`insert into users (display_name, handle, email) values ('B', 'alice', 'b@x.io')`, {
      code: '23505',
    })
    await t.rejects(sql`insert into users (display_name, handle, email) values ('B', 'bob', 'a@X.IO')`, {
      code: '23505',
    })
    await sql`insert into users (display_name, handle, email, cognito_user_id) values ('B', 'bob', 'b@x.io', 's1')`
    await t.rejects(
      sql`insert into users (display_name, handle, email, cognito_user_id) values ('C', 'carol', 'c@x.io', 's1')`,
      { code: '23505' },
    )
    await t.rejects(sql`insert into users (display_name, handle, email) values ('D', ' ', 'd@x.io')`, {
      code: '23514',
    })
  },
)

t.test('a failing migration leaves nothing half-applied', async (t) => {
  const db = await testDatabase(t, { migrate: false })
  const sql = sqlClient(t, db.url)
  const dir = await tempMigrations(t, {
    '0002_broken.sql': 'create table half (id int);\nalter table users add column nope nonexistent_type;\n',
  })
  await t.rejects(migrate(sql, dir), /nonexistent_type/)
  t.same(await tables(sql), [], 'neither 0001 nor the first half of 0002 nor the record table remain')

  await migrate(sql) // the real ones
  await t.rejects(migrate(sql, dir), /nonexistent_type/)
  t.same(await tables(sql), ['schema_migrations', 'users'], 'the table of the broken file is rolled back')
  const versions = await sql`select version from schema_migrations`
  t.same(
    versions.map((r) => r.version),
    ['0001'],
  )
})

t.test('an applied migration whose file changed is refused; bad file names are refused', async (t) => {
  const db = await testDatabase(t)
  const sql = sqlClient(t, db.url)
  const changed = await tempMigrations(t, {})
  await writeFile(path.join(changed, '0001_create_users.sql'), 'select 1;\n')
  await t.rejects(migrate(sql, changed), /changed after it was applied/)
  const badName = await tempMigrations(t, { 'oops.sql': 'select 1;' })
  await t.rejects(loadMigrations(badName), /not NNNN_name\.sql/)
  const twice = await tempMigrations(t, { '0001_again.sql': 'select 1;' })
  await t.rejects(loadMigrations(twice), /share a version/)
})

t.test('concurrent runners do not race (advisory lock): both succeed, one applies', async (t) => {
  const db = await testDatabase(t, { migrate: false })
  const a = sqlClient(t, db.url)
  const b = sqlClient(t, db.url)
  const results = await Promise.all([migrate(a), migrate(b)])
  t.same(results.map((r) => r.applied.length).sort(), [0, 1])
})
