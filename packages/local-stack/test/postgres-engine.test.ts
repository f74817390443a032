import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import t from 'tap'
import { freePort } from '../src/ports.js'
import { startPostgres } from '../src/postgres.js'

t.test('embedded PostgreSQL starts, answers, keeps its data across a restart and stops', async (t) => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'pg-engine-'))
  await chmod(base, 0o755)
  t.teardown(() => rm(base, { recursive: true, force: true }))
  const port = await freePort()
  const dataDir = path.join(base, 'data')
  const first = await startPostgres({ port, dataDir })
  const sql = postgres(first.url(), { max: 1, onnotice: () => {} })
  await sql`create table kept (v text)`
  await sql`insert into kept values ('still here')`
  await sql.end()
  await first.stop()
  const second = await startPostgres({ port, dataDir })
  t.teardown(() => second.stop())
  const again = postgres(second.url(), { max: 1 })
  t.teardown(() => again.end())
  t.same(await again`select v from kept`, [{ v: 'still here' }], 'data survives a restart')
})
