/**
 * PostgreSQL refuses to run as root, so as root the stack runs it as the `postgres` system user,
 * which must then reach the server binaries and the data folder. Folders on the way that it
 * cannot traverse get a POSIX ACL entry for that user alone (traverse only: no listing, no
 * reading), never a permission for every local user. Grants are shared by every stack running
 * on the machine (a test run starts several clusters): each holder registers itself, and the
 * last one to stop takes back what was granted.
 */
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, realpathSync, statSync } from 'node:fs'
import { readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { alive, type Holder, openRegistry, readJson, withLock } from './grant-registry.js'

const run = promisify(execFile)

export interface SystemUser {
  name: string
  uid: number
  gid: number
}

export const POSTGRES_USER = 'postgres'
/** Root-only: /run is writable by root alone, so nobody can pre-create or plant this. */
export const GRANTS_DIR = '/run/cruddur-stack/traverse-grants'

export class AclMissingError extends Error {
  constructor() {
    super(
      'As root, PostgreSQL runs as the postgres user, which needs an ACL entry to reach this checkout; ' +
        '`setfacl` was not found. Debian/Ubuntu: apt-get install -y acl',
    )
    this.name = 'AclMissingError'
  }
}

/** The `postgres` system user, created (no home, no login shell) when missing. */
export async function postgresSystemUser(name = POSTGRES_USER): Promise<SystemUser> {
  const lookup = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])])
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
  }
  try {
    return await lookup()
  } catch {
    await run('groupadd', ['--system', name]).catch(() => {})
    await run('useradd', [
      '--system',
      '--gid',
      name,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      name,
    ])
    return lookup()
  }
}

/** Folders from `/` down to `target` (itself included when it is a folder) that `user` cannot traverse. */
export function foldersHiding(target: string, user: SystemUser): string[] {
  const hiding: string[] = []
  let dir = path.resolve(target)
  // A folder about to be created: start from the nearest one that exists.
  while (!existsSync(dir)) dir = path.dirname(dir)
  dir = realpathSync(dir)
  if (!statSync(dir).isDirectory()) dir = path.dirname(dir)
  for (;;) {
    const st = statSync(dir)
    const traversable =
      st.uid === user.uid
        ? (st.mode & 0o100) !== 0
        : st.gid === user.gid
          ? (st.mode & 0o010) !== 0
          : (st.mode & 0o001) !== 0
    if (!traversable) hiding.unshift(dir)
    const parent = path.dirname(dir)
    if (parent === dir) return hiding
    dir = parent
  }
}

let setfaclChecked = false
function requireSetfacl(): void {
  if (setfaclChecked) return
  if (spawnSync('setfacl', ['--version'], { stdio: 'ignore' }).status !== 0) throw new AclMissingError()
  setfaclChecked = true
}

async function hasEntry(dir: string, user: SystemUser): Promise<boolean> {
  const acl = await run('getfacl', ['-cp', dir]).catch(() => ({ stdout: '' }))
  return acl.stdout.split('\n').some((line) => line.startsWith(`user:${user.name}:`))
}

async function revokeAcl(dir: string, user: SystemUser): Promise<void> {
  await run('setfacl', ['-x', `u:${user.name}`, dir]).catch(() => {})
  // With no named entry left, drop the mask too: the folder is back to its plain mode.
  const acl = await run('getfacl', ['-cp', dir]).catch(() => ({ stdout: '' }))
  if (!/^(user|group):[^:]+:/m.test(acl.stdout)) await run('setfacl', ['-x', 'm::', dir]).catch(() => {})
}

export interface TraverseGrant {
  /** Folders that got an entry from this call (the others were reachable, or granted already). */
  granted: string[]
  release(): Promise<void>
}

/**
 * Gives `user` traverse on every folder hiding `targets`, registered under this process, and
 * returns how to give it back: on release, folders no other live holder still needs lose the
 * entry again.
 */
export async function grantTraverse(
  targets: string[],
  user: SystemUser,
  log: (line: string) => void = () => {},
  registry = GRANTS_DIR,
): Promise<TraverseGrant> {
  const needed = [...new Set(targets.flatMap((target) => foldersHiding(target, user)))]
  const holderFile = path.join(registry, `${process.pid}-${Math.random().toString(36).slice(2)}.json`)
  const grantsFile = path.join(registry, 'granted.json')
  if (needed.length === 0) return { granted: [], release: async () => {} }
  requireSetfacl()
  await openRegistry(registry)
  const granted = await withLock(registry, async () => {
    const holder: Holder = { pid: process.pid, dirs: needed }
    await writeFile(holderFile, JSON.stringify(holder), { mode: 0o600 })
    const ours = new Set(await readJson<string[]>(grantsFile, []))
    const added: string[] = []
    for (const dir of needed) {
      // An entry someone else gave this user is theirs: neither overwritten nor taken back.
      if (!ours.has(dir) && (await hasEntry(dir, user))) continue
      await run('setfacl', ['-m', `u:${user.name}:--x`, dir])
      if (!ours.has(dir)) added.push(dir)
      ours.add(dir)
    }
    await writeFile(grantsFile, JSON.stringify([...ours]), { mode: 0o600 })
    return added
  })
  if (granted.length > 0)
    log(
      `PostgreSQL runs as the ${user.name} user: granted it traverse (ACL u:${user.name}:--x) on ${granted.join(', ')}`,
    )
  let released = false
  return {
    granted,
    async release() {
      if (released) return
      released = true
      await withLock(registry, async () => {
        await rm(holderFile, { force: true })
        const stillNeeded = new Set<string>()
        for (const name of await readdir(registry)) {
          if (!name.endsWith('.json') || name === 'granted.json') continue
          const other = await readJson<Holder | undefined>(path.join(registry, name), undefined)
          if (other && alive(other.pid)) for (const dir of other.dirs) stillNeeded.add(dir)
          else await rm(path.join(registry, name), { force: true })
        }
        const ours = await readJson<string[]>(grantsFile, [])
        const kept: string[] = []
        for (const dir of ours) {
          if (stillNeeded.has(dir)) kept.push(dir)
          else await revokeAcl(dir, user)
        }
        await writeFile(grantsFile, JSON.stringify(kept), { mode: 0o600 })
      })
    },
  }
}
