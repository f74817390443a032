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

export const localDir = (root = repoRoot()) => path.join(root, '.local')
export const stackJsonPath = (root = repoRoot()) => path.join(localDir(root), 'stack.json')
