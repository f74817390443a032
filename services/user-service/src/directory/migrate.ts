import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sql } from 'postgres'

/** The versioned SQL files, shipped beside src/ and dist/ (the same relative path from both). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

export interface Migration {
  version: string
  name: string
  file: string
  checksum: string
  sql: string
}

export interface MigrateResult {
  applied: string[]
  alreadyApplied: string[]
}

const FILE_NAME = /^(\d{4,})_([\w-]+)\.sql$/
/** Any constant works; it only has to be the same for every runner of this schema. */
const LOCK_KEY = 4_201_001

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const file of files) {
    const match = FILE_NAME.exec(file)
    if (!match?.[1] || !match[2]) throw new Error(`migration file name "${file}" is not NNNN_name.sql`)
    const sql = await readFile(path.join(dir, file), 'utf8')
    const checksum = createHash('sha256').update(sql).digest('hex')
    migrations.push({ version: match[1], name: match[2], file, checksum, sql })
  }
  const versions = new Set(migrations.map((m) => m.version))
  if (versions.size !== migrations.length) throw new Error(`two migrations in ${dir} share a version`)
  return migrations
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order, in one transaction
 * together with their records (PostgreSQL DDL is transactional): a failing file rolls the whole
 * run back, so the schema is either fully at the new version or exactly as before.
 * An advisory lock keeps two runners (two replicas starting at once) from racing.
 * A recorded migration whose file changed since is refused rather than silently skipped.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await loadMigrations(dir)
  return sql.begin(async (lock) => {
    await lock`select pg_advisory_xact_lock(${LOCK_KEY})`
    await lock`
      create table if not exists schema_migrations (
        version text primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`
    const rows = await lock<{ version: string; checksum: string }[]>`
      select version, checksum from schema_migrations`
    const done = new Map(rows.map((r) => [r.version, r.checksum]))
    const result: MigrateResult = { applied: [], alreadyApplied: [] }
    for (const m of migrations) {
      const recorded = done.get(m.version)
      if (recorded) {
        if (recorded !== m.checksum)
          throw new Error(`migration ${m.file} changed after it was applied; add a new migration instead`)
        result.alreadyApplied.push(m.file)
        continue
      }
      // The file's SQL is source code of this repository, not input: unsafe() runs it as is.
      await lock.unsafe(m.sql)
      await lock`insert into schema_migrations (version, name, checksum) values (${m.version}, ${m.name}, ${m.checksum})`
      result.applied.push(m.file)
    }
    return result
  })
}
