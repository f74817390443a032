import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider'
import { createTestDatabase, testStack, uniqueSuffix, withDatabase } from '@cruddur/local-stack/testing'
import postgres from 'postgres'
import t, { type Test } from 'tap'
import { type CliIo, runCli } from '../tools/cli/commands.js'
import { isLocalHost } from '../tools/cli/database-admin.js'
import { addCognitoUser, sqlClient, testPool } from './helper.js'

const facts = testStack()
const run = promisify(execFile)

/** Runs a command in-process and collects what it printed. */
async function cli(argv: string[], env: CliIo['env']) {
  const out: string[] = []
  const err: string[] = []
  const progress: string[] = []
  const code = await runCli(argv, {
    env,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: (l) => progress.push(l),
  })
  return { code, out: out.join('\n'), err: err.join('\n'), progress }
}

/** A database name nobody created yet, dropped after the test whatever happened. */
function freshDatabase(t: Test) {
  const name = `users_cli_${uniqueSuffix()}`
  t.teardown(async () => {
    const admin = postgres(facts.postgres.url, { max: 1, onnotice: () => {} })
    await admin.unsafe(`drop database if exists "${name}" with (force)`)
    await admin.end()
  })
  return { name, url: withDatabase(facts.postgres.url, name) }
}

async function poolEnv(t: Test, url: string) {
  const pool = await testPool(t)
  return {
    pool,
    env: {
      DATABASE_URL: url,
      AWS_REGION: facts.region,
      COGNITO_ENDPOINT: facts.cognito.endpoint,
      COGNITO_USER_POOL_ID: pool.userPoolId,
    },
  }
}

t.test(
  'db:create, db:migrate, db:seed, db:sessions, db:drop: do it, then say there is nothing to do',
  async (t) => {
    const db = freshDatabase(t)
    const env = { DATABASE_URL: db.url }
    t.match(await cli(['db:create'], env), {
      code: 0,
      out: `created database ${db.name} on 127.0.0.1:${new URL(db.url).port}`,
    })
    t.match(await cli(['db:create'], env), { code: 0, out: /exists already, nothing to do/ })
    t.match(await cli(['db:seed'], env), {
      code: 1,
      err: /db:seed failed: .*users.* \(run db:migrate first\)/,
    })
    t.match(await cli(['db:migrate'], env), {
      code: 0,
      out: /applied 0001_create_users\.sql\nmigrated .*: 1 applied/,
    })
    t.match(await cli(['db:migrate'], env), {
      code: 0,
      out: /is up to date \(1 migration\(s\) applied before\), nothing to do/,
    })
    t.match(await cli(['db:seed'], env), { code: 0, out: 'inserted @andrewbrown, @bayko, @londo' })
    t.match(await cli(['db:seed'], env), { code: 0, out: 'already present: @andrewbrown, @bayko, @londo' })

    const holder = sqlClient(t, db.url)
    await holder`select 1`
    const sessions = await cli(['db:sessions'], env)
    t.equal(sessions.code, 0)
    t.match(
      sessions.out,
      /^1 open connection\(s\) to users_cli_\w+ on 127\.0\.0\.1:\d+\npid +user +application/,
    )
    await holder.end()

    t.match(await cli(['db:drop'], env), {
      code: 0,
      out: `dropped database ${db.name} on 127.0.0.1:${new URL(db.url).port}`,
    })
    t.match(await cli(['db:drop'], env), { code: 0, out: /does not exist, nothing to do/ })
    t.match(await cli(['db:sessions'], env), { code: 0, out: /^0 open connection\(s\)/ })
    t.match(await cli(['db:migrate'], env), { code: 1, err: /does not exist \(run db:create first\)/ })
  },
)

t.test(
  'db:setup drops, creates, migrates and seeds; db:drop refuses a remote host without --force',
  async (t) => {
    const db = await createTestDatabase(facts, 'users_cli')
    t.teardown(() => db.drop())
    const setup = await cli(['db:setup'], { DATABASE_URL: db.url })
    t.equal(setup.code, 0)
    t.match(
      setup.out,
      /^dropped database .*\ncreated database .*\napplied 0001_create_users\.sql\n.*\ninserted @andrewbrown/,
    )

    const remote = { DATABASE_URL: 'postgres://u:p@db.example.com:5432/cruddur' }
    t.match(await cli(['db:drop'], remote), {
      code: 1,
      err: /refusing to drop cruddur on db\.example\.com:5432: not a local host \(add --force/,
    })
    t.match(await cli(['db:setup'], remote), { code: 1, err: /refusing to drop/ })
    t.ok(
      isLocalHost('postgres://u@localhost/x') &&
        isLocalHost('postgres://u@[::1]:5/x') &&
        !isLocalHost(remote.DATABASE_URL),
    )
  },
)

t.test('cognito:list-users and cognito:sync (with --dry-run and --json)', async (t) => {
  const db = await createTestDatabase(facts, 'users_cli')
  t.teardown(() => db.drop())
  const { env, pool } = await poolEnv(t, db.url)
  t.match(await cli(['cognito:list-users'], env), { code: 0, out: `0 user(s) in pool ${pool.userPoolId}` })
  await cli(['db:migrate'], env)
  await cli(['db:seed'], env)
  // londo links to the seeded row (so it is CONFIRMED with a verified e-mail); gkar is new.
  for (const [username, handle, email, confirmed] of [
    ['londo', 'londo', 'lmollari@centari.com', true],
    ['gkar', 'gkar', 'gkar@narn.org', false],
  ] as const) {
    await addCognitoUser(
      pool.client,
      pool.userPoolId,
      username,
      { preferred_username: handle, email, name: handle.toUpperCase() },
      { confirmed },
    )
  }
  const list = await cli(['cognito:list-users'], env)
  t.equal(list.code, 0)
  t.match(
    list.out,
    /^2 user\(s\) in pool .*\nhandle +sub +email +status\n-+ +-+ +-+ +-+\ngkar +[0-9a-f-]{36} +gkar@narn\.org +FORCE_CHANGE_PASSWORD\nlondo /,
  )

  const dry = await cli(['cognito:sync', '--dry-run'], env)
  t.match(dry, {
    code: 0,
    out: /^dry run \(nothing written\): 2 Cognito user\(s\) in 1 page\(s\), 2 SQL statement\(s\)/,
  })
  t.match(dry.out, /created 1 \/ updated 1 \/ unchanged 0 \/ orphaned 0 \/ conflicts 0/)
  t.same(dry.progress, ['syncing: page 1, 2 Cognito users'])
  const real = await cli(['cognito:sync'], env)
  t.match(real.out, /created 1 \/ updated 1 \/ unchanged 0/)
  const json = await cli(['cognito:sync', '--json'], env)
  t.match(JSON.parse(json.out), { unchanged: 2, created: 0, dryRun: false })

  const sql = sqlClient(t, db.url)
  await sql`update users set cognito_user_id = 'gone-sub' where handle = 'andrewbrown'`
  await sql`update users set handle = 'GKAR' where handle = 'gkar'`
  const report = await cli(['cognito:sync'], env)
  t.match(
    report.out,
    /orphaned 1 \/ conflicts 0\norphan: @andrewbrown is linked to sub gone-sub, which is not in the pool \(kept\)/,
  )
  t.match(report.out, /updated 1 /, 'GKAR spelled back as Cognito has it')
})

t.test('usage errors, --help on every command, missing settings', async (t) => {
  t.match(await cli([], {}), { code: 2, out: /^usage: node dist\/cli\/index\.js <command>/ })
  t.match(await cli(['--help'], {}), { code: 0, out: /cognito:sync +Bring the users table/ })
  t.match(await cli(['db:nope'], {}), { code: 2, err: /^unknown command "db:nope"/ })
  t.match(await cli(['db:create', '--force'], {}), { code: 2, err: /db:create: Unknown option '--force'/ })
  for (const name of [
    'db:create',
    'db:drop',
    'db:migrate',
    'db:seed',
    'db:setup',
    'db:sessions',
    'db:check',
    'cognito:list-users',
    'cognito:sync',
  ]) {
    const help = await cli([name, '--help'], {})
    t.equal(help.code, 0, name)
    t.match(help.out, new RegExp(`^usage: node dist/cli/index\\.js ${name}.*\\n\\n\\w.*\\n`), name)
    t.match(help.out, /environment: /)
  }
  t.match(await cli(['db:create'], {}), { code: 1, err: /DATABASE_URL is not set/ })
  t.match(await cli(['db:create'], { DATABASE_URL: 'mysql://x/y' }), {
    code: 1,
    err: /DATABASE_URL must match pattern "\^postgres\(ql\)\?:\/\/"/,
  })
  t.match(await cli(['db:create'], { DATABASE_URL: 'postgres://x@127.0.0.1:5432' }), {
    code: 1,
    err: /names no database/,
  })
  t.match(await cli(['db:create'], { DATABASE_URL: 'postgres://x@127.0.0.1:9/x' }), {
    code: 1,
    err: /cannot connect/,
  })
  t.match(await cli(['cognito:list-users'], {}), { code: 1, err: /COGNITO_USER_POOL_ID is not set/ })
  // The server's schema decides, every fault is named, on one line (a script greps one line).
  t.same(await cli(['cognito:sync'], { DATABASE_URL: '', AWS_REGION: 'nowhere' }), {
    code: 1,
    out: '',
    err:
      'cognito:sync failed: COGNITO_USER_POOL_ID is not set; ' +
      'AWS_REGION must match pattern "^[a-z]{2}(-[a-z]+)+-\\d+$"; ' +
      'DATABASE_URL is not set (postgres://user:password@host:port/database)',
    progress: [],
  })
  t.match(await cli(['cognito:list-users'], { COGNITO_USER_POOL_ID: 'no-underscore' }), {
    code: 1,
    err: /^cognito:list-users failed: COGNITO_USER_POOL_ID must match pattern [^\n]*$/,
  })
  // A command reads the variables of its needs only: no Cognito variable for a db: command.
  t.match(await cli(['db:create'], { DATABASE_URL: 'postgres://x@127.0.0.1:9/x', AWS_REGION: 'x' }), {
    code: 1,
    err: /cannot connect/,
  })
  t.match(
    await cli(['cognito:sync'], {
      COGNITO_USER_POOL_ID: 'us-east-1_x',
      COGNITO_ENDPOINT: 'http://127.0.0.1:9',
    }),
    {
      code: 1,
      err: /cognito:sync failed/,
    },
  )
})

t.test('PostgreSQL down: the line a person sees names it and says what to check', async (t) => {
  // Port 9 (discard) has nothing listening: the connection is refused, as with a stopped server.
  const down = { DATABASE_URL: 'postgres://x@127.0.0.1:9/cruddur' }
  const outage = 'PostgreSQL is unavailable (ECONNREFUSED): is it running, and is the address right?'
  // Through the directory (its outage, a 503 for the routes):
  t.same(await cli(['db:seed'], down), { code: 1, out: '', err: `db:seed failed: ${outage}`, progress: [] })
  // Straight to the server (the admin commands and migrations):
  for (const name of ['db:create', 'db:migrate', 'db:check', 'db:sessions'])
    t.same(
      await cli([name], down),
      {
        code: 1,
        out: '',
        err: `${name} failed: cannot connect (is the database / Cognito endpoint running?)`,
        progress: [],
      },
      name,
    )
})

t.test('the real entry point: exit codes, stdout, and the stack setup hook (twice)', async (t) => {
  const node = (script: string, args: string[], env: Record<string, string>) =>
    run(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env },
      cwd: `${import.meta.dirname}/..`,
    })
  const help = await node('tools/cli/index.ts', ['db:migrate', '--help'], {})
  t.match(help.stdout, /^usage: node dist\/cli\/index\.js db:migrate/)
  await t.rejects(node('tools/cli/index.ts', ['db:create'], { DATABASE_URL: '' }), {
    code: 1,
    stderr: /DATABASE_URL is not set/,
  })
  await t.rejects(node('tools/cli/index.ts', ['db:seed'], { DATABASE_URL: 'postgres://x@127.0.0.1:9/x' }), {
    code: 1,
    stdout: '',
    stderr:
      'db:seed failed: PostgreSQL is unavailable (ECONNREFUSED): is it running, and is the address right?\n',
  })

  const db = freshDatabase(t)
  const { env, pool } = await poolEnv(t, db.url)
  const hookEnv = {
    ...env,
    CRUDDUR_STACK: JSON.stringify({ ...facts, demoUsers: ['andrewbrown', 'bayko', 'londo'] }),
  }
  const first = await node('tools/stack-setup.ts', [], hookEnv)
  t.match(
    first.stdout,
    /created database .*\napplied 0001_create_users\.sql\n.*\ninserted @andrewbrown, @bayko, @londo\ncreated Cognito user andrewbrown\ncreated Cognito user bayko\ncreated Cognito user londo\n3 Cognito user\(s\) in 1 page\(s\).*\ncreated 0 \/ updated 3 \/ unchanged 0 \/ orphaned 0 \/ conflicts 0/,
  )
  const second = await node('tools/stack-setup.ts', [], hookEnv)
  t.match(
    second.stdout,
    /exists already, nothing to do\n.*up to date.*\nalready present: @andrewbrown, @bayko, @londo\nCognito user andrewbrown exists already\n(.*\n){2}.*\ncreated 0 \/ updated 0 \/ unchanged 3/,
  )

  const sql = sqlClient(t, db.url)
  const rows = await sql`select handle, email, cognito_user_id from users order by handle`
  for (const row of rows) {
    // Demo users sign in with their e-mail: it is their Cognito username.
    const user = await pool.client.send(
      new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: row.email }),
    )
    t.equal(user.UserStatus, 'CONFIRMED', `${row.handle} has a permanent password`)
    t.equal(
      user.UserAttributes?.find((a) => a.Name === 'sub')?.Value,
      row.cognito_user_id,
      `${row.handle} is linked`,
    )
    t.equal(user.UserAttributes?.find((a) => a.Name === 'email_verified')?.Value, 'true')
  }
  await sql.end()
  await t.rejects(node('tools/stack-setup.ts', [], { ...env, CRUDDUR_STACK: '' }), {
    code: 1,
    stderr: /CRUDDUR_STACK/,
  })
})
