import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { securePrivateDir, writePrivateFile } from '../src/private-files.js'

t.test('a .local/ left wide by an older run is made private, and that is said once', async (t) => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'private-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const local = path.join(base, '.local')
  mkdirSync(path.join(local, 'cognito', '.cognito', 'db'), { recursive: true, mode: 0o755 })
  for (const dir of [local, path.join(local, 'cognito'), path.join(local, 'cognito', '.cognito', 'db')])
    chmodSync(dir, 0o755)
  const pool = path.join(local, 'cognito', '.cognito', 'db', 'pool.json')
  writeFileSync(pool, '{"Users":{"x":{"Password":"plain"}}}', { mode: 0o644 })
  chmodSync(pool, 0o644)
  const outside = path.join(base, 'outside')
  writeFileSync(outside, 'not ours to change', { mode: 0o644 })
  chmodSync(outside, 0o644)
  symlinkSync(outside, path.join(local, 'link'))

  const said: string[] = []
  const fixed = await securePrivateDir(local, (line) => said.push(line))
  t.equal(statSync(local).mode & 0o777, 0o700)
  t.equal(statSync(pool).mode & 0o777, 0o600, 'the pool file (plaintext passwords) is 0600')
  t.equal(statSync(outside).mode & 0o777, 0o644, 'a symlink is never followed')
  t.equal(fixed.length, 5, '.local, cognito, .cognito, db and the pool file')
  t.equal(said.length, 1, 'said once')
  t.match(said[0], /made 5 item\(s\) under .*private to their owner \(folders 0700, files 0600\)/)
  t.same(await securePrivateDir(local, (line) => said.push(line)), [], 'nothing left to fix')
  t.equal(said.length, 1)
  const fresh = path.join(base, 'fresh')
  await securePrivateDir(fresh)
  t.equal(statSync(fresh).mode & 0o777, 0o700, 'a new one is created 0700')
})

t.test('a private file stays private when it already existed wider', async (t) => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'private-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const file = path.join(base, 'stack.json')
  writeFileSync(file, '{}', { mode: 0o644 })
  chmodSync(file, 0o644)
  await writePrivateFile(file, '{"internalToken":"secret"}')
  t.equal(statSync(file).mode & 0o777, 0o600)
})
