import {
  CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import {
  cognitoUserPages,
  countUsers,
  newSyncState,
  planPage,
  syncCognitoUsers,
  toRecord,
} from '../src/directory/index.js'
import { sqlClient, testDatabase } from './helper.js'

/**
 * The page walking, against a pool that records every Limit and PaginationToken it is asked
 * with: at most Limit users per answer, a PaginationToken while more remain. (A unit test of
 * our loop, not a stand-in for Cognito: cognito-local, patched to page the same way, is
 * exercised in sync.test.ts and sync-500.test.ts.)
 */
class PagingPool extends CognitoIdentityProviderClient {
  calls: { Limit?: number; PaginationToken?: string }[] = []
  constructor(private readonly users: UserType[]) {
    super({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
  }
  // biome-ignore lint/suspicious/noExplicitAny: overrides the SDK's overloaded send
  override async send(command: any): Promise<any> {
    if (!(command instanceof ListUsersCommand)) throw new Error('only ListUsers')
    const { Limit = 60, PaginationToken } = command.input
    this.calls.push({ Limit, PaginationToken })
    const start = PaginationToken ? Number(PaginationToken.replace('page-', '')) : 0
    const end = Math.min(start + Limit, this.users.length)
    return {
      Users: this.users.slice(start, end),
      PaginationToken: end < this.users.length ? `page-${end}` : undefined,
    }
  }
}

const cognitoUser = (i: number, extra: { Name: string; Value: string }[] = []): UserType => ({
  Username: `user${i}`,
  UserStatus: 'CONFIRMED',
  Enabled: true,
  Attributes: [
    { Name: 'sub', Value: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
    { Name: 'preferred_username', Value: `user${i}` },
    { Name: 'name', Value: `User ${i}` },
    { Name: 'email', Value: `user${i}@example.com` },
    ...extra,
  ],
})

t.test('every page is read, following PaginationToken with the page size asked for', async (t) => {
  const pool = new PagingPool(Array.from({ length: 25 }, (_, i) => cognitoUser(i)))
  const pages: number[] = []
  for await (const page of cognitoUserPages(pool, 'us-east-1_x', 10)) pages.push(page.length)
  t.same(pages, [10, 10, 5])
  t.same(pool.calls, [
    { Limit: 10, PaginationToken: undefined },
    { Limit: 10, PaginationToken: 'page-10' },
    { Limit: 10, PaginationToken: 'page-20' },
  ])
})

t.test('a pool larger than a page: all users synced, 2 statements per page + 1', async (t) => {
  const db = await testDatabase(t)
  const sql = sqlClient(t, db.url)
  const store = sql
  const users = Array.from({ length: 130 }, (_, i) => cognitoUser(i))
  // the 61st user claims the handle of the 1st, on another page
  users[60] = cognitoUser(60, [{ Name: 'preferred_username', Value: 'USER0' }])
  users[60].Attributes = users[60].Attributes?.filter(
    (a, i, all) => all.findLastIndex((b) => b.Name === a.Name) === i,
  )
  const progress: number[] = []
  const report = await syncCognitoUsers({
    sql: store,
    pages: cognitoUserPages(new PagingPool(users), 'us-east-1_x', 60),
    onProgress: (p) => progress.push(p.users),
  })
  t.match(report, { pages: 3, cognitoUsers: 130, created: 129, conflicts: 1, sqlStatements: 3 * 2 + 1 })
  t.same(progress, [60, 120, 130])
  t.same(
    report.conflictDetails.map((c) => [c.kind, c.username]),
    [['duplicate_handle', 'user60']],
  )
  t.equal(await countUsers(store), 129)
  const again = await syncCognitoUsers({
    sql: store,
    pages: cognitoUserPages(new PagingPool(users), 'x_y', 60),
  })
  t.match(again, { unchanged: 129, created: 0, updated: 0, conflicts: 1, sqlStatements: 3 + 1 }, 'no writes')
})

t.test('toRecord and planPage on their own', async (t) => {
  t.same(toRecord({ Attributes: [{ Name: 'preferred_username', Value: '  ' }] }), {
    username: '',
    sub: null,
    handle: null,
    email: null,
    emailVerified: false,
    name: null,
    status: null,
    enabled: false, // no Enabled flag: not a user the sync would link
  })
  const state = newSyncState()
  const plan = planPage(
    [
      toRecord({ Username: 'nosub', Attributes: [{ Name: 'preferred_username', Value: 'x' }] }),
      toRecord(cognitoUser(1, [{ Name: 'name', Value: '' }])),
      toRecord({ ...cognitoUser(2), Username: 'user2' }),
      toRecord({
        Username: 'samemail',
        Attributes: [
          { Name: 'sub', Value: 's3' },
          { Name: 'preferred_username', Value: 'other' },
          { Name: 'email', Value: 'USER2@example.com' },
        ],
      }),
    ],
    [],
    state,
  )
  t.same(
    plan.conflicts.map((c) => `${c.kind}:${c.username}`),
    ['missing_sub:nosub', 'email_taken:samemail'],
  )
  t.match(plan.conflicts[1]?.detail, /Cognito user "user2"/)
  t.equal(plan.inserts[0]?.display_name, 'User 1', 'the first name attribute wins; a blank one is ignored')
  t.equal(plan.inserts.length, 2)
})
