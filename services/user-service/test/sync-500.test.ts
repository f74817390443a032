import t from 'tap'
import { cognitoUserPages, syncCognitoUsers } from '../src/directory/index.js'
import { createBulkUsers } from '../tools/bulk-users.js'
import { seed } from '../tools/seed.js'
import { sqlClient, testDatabase, testPool } from './helper.js'

t.test(
  'a pool of 500 users: all created and linked in a constant number of statements, then unchanged',
  async (t) => {
    const { client, userPoolId } = await testPool(t)
    const db = await testDatabase(t)
    const sql = sqlClient(t, db.url)
    await seed(sql)
    const startedCreate = Date.now()
    await createBulkUsers(client, userPoolId, 500, { prefix: 'bulk', concurrency: 8 })
    t.comment(`creating 500 users in cognito-local took ${Date.now() - startedCreate} ms`)
    await createBulkUsers(client, userPoolId, 1, { prefix: 'bayko' }) // handle "bayko0": new
    const store = sql
    const sync = () => syncCognitoUsers({ sql: store, pages: cognitoUserPages(client, userPoolId) })
    const first = await sync()
    t.comment(`first sync: ${first.durationMs} ms, ${first.sqlStatements} statements`)
    t.match(first, { cognitoUsers: 501, created: 501, updated: 0, conflicts: 0, orphaned: 0 })
    // cognito-local pages as Cognito does (our patch): 501 users are 9 pages of at most 60.
    t.equal(first.pages, 9, 'read in pages of 60')
    t.ok(
      first.sqlStatements <= 2 * first.pages + 1,
      `${first.sqlStatements} statements for ${first.pages} page(s)`,
    )
    const [counts] = await sql<{ all: number; linked: number }[]>`
    select count(*)::int as all, count(cognito_user_id)::int as linked from users`
    t.same(counts, { all: 504, linked: 501 })
    const second = await sync()
    t.match(second, { created: 0, updated: 0, unchanged: 501, conflicts: 0 })
  },
)
