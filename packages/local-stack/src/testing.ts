/**
 * What test files import: the facts of the stack the test command started (CRUDDUR_STACK), and
 * helpers that give each test file its own slice of it. Deliberately light: no engine code.
 */
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { parseStackFacts, STACK_ENV, type StackFacts } from './facts.js'

export type { StackFacts } from './facts.js'

export function testStack(): StackFacts {
  const raw = process.env[STACK_ENV]
  if (!raw) {
    throw new Error(
      `${STACK_ENV} is not set: these tests need the local engines. Run them with \`pnpm test\` ` +
        'from the repository root, or `pnpm exec cruddur-stack run -- tap` in a package.',
    )
  }
  return parseStackFacts(raw)
}

/** A short random suffix for names that must not collide between parallel test files. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex')
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** Creates an empty database for one test file; `drop()` removes it again. */
export async function createTestDatabase(
  facts: StackFacts = testStack(),
  prefix = 'test',
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${uniqueSuffix()}`
  const admin = postgres(facts.postgres.url, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database "${name}"`)
  } finally {
    await admin.end({ timeout: 2 })
  }
  return {
    name,
    url: withDatabase(facts.postgres.url, name),
    async drop() {
      const sql = postgres(facts.postgres.url, { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`)
      } finally {
        await sql.end({ timeout: 2 })
      }
    },
  }
}
