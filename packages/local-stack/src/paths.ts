import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The monorepo root: the nearest folder above this package holding pnpm-workspace.yaml. */
export function repoRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  while (!existsSync(path.join(dir, 'pnpm-workspace.yaml'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`)
    dir = parent
  }
  return dir
}

/**
 * Where `pnpm start` keeps its data: `.local/` in the checkout, unless CRUDDUR_LOCAL_DIR names
 * another folder (the bench's start-up scenario uses a temp folder so it never wipes a
 * developer's data or a running stack's).
 */
export const localDir = (root = repoRoot()) => {
  const override = process.env.CRUDDUR_LOCAL_DIR
  return override ? path.resolve(override) : path.join(root, '.local')
}
export const stackJsonPath = (root = repoRoot()) => path.join(localDir(root), 'stack.json')
