import { randomBytes } from 'node:crypto'

/** A short random suffix that keeps one test file's names (databases, tables, people) apart from another's. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex')
}
