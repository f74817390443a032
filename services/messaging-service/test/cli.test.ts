import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { testStack, uniqueSuffix } from '@cruddur/local-stack/testing'
import t from 'tap'
import { listMessages } from '../src/conversations/index.js'
import { type CliIo, isLocalDynamoEndpoint as isLocalEndpoint, runCli } from '../tools/cli/commands.js'
import { testTable } from './ddb-helper.js'
import { startUserService } from './helper.js'

const here = path.dirname(fileURLToPath(import.meta.url))

function capture(env: Record<string, string | undefined>) {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { env, out: (l) => out.push(l), err: (l) => err.push(l) }
  return { io, out, err, text: () => out.join('\n'), errText: () => err.join('\n') }
}

/** Registers a user in the test user-service the way Cognito's trigger would. */
async function register(url: string, token: string, handle: string) {
  const sub = randomUUID()
  const res = await fetch(`${url}/internal/cognito/post-confirmation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-internal-token': token },
    body: JSON.stringify({
      userName: handle,
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      request: {
        userAttributes: {
          sub,
          email: `${handle}@example.test`,
          name: `Demo ${handle}`,
          preferred_username: handle,
        },
      },
    }),
  })
  if (res.status !== 200) throw new Error(`post-confirmation ${res.status}`)
}

t.test('every command has --help, unknown commands are refused', async (t) => {
  const all = capture({})
  t.equal(await runCli(['--help'], all.io), 0)
  for (const name of [
    'ddb:schema-load',
    'ddb:drop',
    'ddb:list-tables',
    'ddb:scan',
    'ddb:seed',
    'ddb:get-conversation',
    'ddb:list-conversations',
  ]) {
    t.match(all.text(), name)
    const one = capture({})
    t.equal(await runCli([name, '--help'], one.io), 0, `${name} --help`)
    t.match(one.text(), `usage: node dist/cli/index.js ${name}`)
  }
  const unknown = capture({})
  t.equal(await runCli(['ddb:nope'], unknown.io), 2)
  t.match(unknown.errText(), 'unknown command')
  t.equal(await runCli([], capture({}).io), 2, 'no command is a usage error')
})

t.test('local endpoint detection guards scan and drop', async (t) => {
  t.ok(isLocalEndpoint('http://127.0.0.1:8000'))
  t.ok(isLocalEndpoint('http://localhost:8000'))
  t.ok(isLocalEndpoint('http://dynamodb-local:8000'), 'a compose service name')
  t.notOk(isLocalEndpoint(undefined), 'unset means real AWS')
  t.notOk(isLocalEndpoint('https://dynamodb.us-east-1.amazonaws.com'))
  for (const command of ['ddb:scan', 'ddb:drop']) {
    const remote = capture({ DYNAMODB_ENDPOINT: 'https://dynamodb.us-east-1.amazonaws.com' })
    t.equal(await runCli([command], remote.io), 1, `${command} refuses a remote endpoint`)
    t.match(remote.errText(), '--force')
  }
})

t.test(
  'schema-load, seed, list, get, scan, drop against DynamoDB Local and a real user-service',
  async (t) => {
    const facts = testStack()
    const users = await startUserService(t, facts)
    await Promise.all(['andrewbrown', 'bayko'].map((h) => register(users.url, facts.internalToken, h)))
    const table = `test-cli-${uniqueSuffix()}`
    const env = {
      DYNAMODB_ENDPOINT: facts.dynamodb.endpoint,
      DDB_MESSAGE_TABLE: table,
      AWS_REGION: facts.region,
      USER_SERVICE_URL: users.url,
      INTERNAL_TOKEN: facts.internalToken,
    }
    t.teardown(() => runCli(['ddb:drop'], capture(env).io))

    const load = capture(env)
    t.equal(await runCli(['ddb:schema-load'], load.io), 0)
    t.match(load.text(), `created table ${table} (on-demand), status ACTIVE`)
    t.match(load.text(), 'enabled TTL on expires_at')
    const reload = capture(env)
    t.equal(await runCli(['ddb:schema-load'], reload.io), 0, 'safe to re-run')
    t.match(reload.text(), 'exists already')
    t.match(reload.text(), 'TTL on expires_at already enabled')
    const badProvisioned = capture(env)
    t.equal(await runCli(['ddb:schema-load', '--provisioned', 'x'], badProvisioned.io), 2)

    const tables = capture(env)
    t.equal(await runCli(['ddb:list-tables'], tables.io), 0)
    t.ok(tables.out.includes(table))

    const seed = capture(env)
    t.equal(await runCli(['ddb:seed'], seed.io), 0, seed.errText())
    const seeded = /seeded conversation ([0-9a-f-]{36}): 100 messages between @andrewbrown and @bayko/.exec(
      seed.text(),
    )
    t.ok(seeded, seed.text())
    const conversation = seeded?.[1] ?? ''
    const reseed = capture(env)
    t.equal(await runCli(['ddb:seed'], reseed.io), 0)
    t.match(
      reseed.text(),
      `conversation ${conversation} between @andrewbrown and @bayko exists already (100 messages)`,
    )

    const get = capture(env)
    t.equal(await runCli(['ddb:get-conversation', conversation], get.io), 0)
    t.match(get.text(), '102 item(s)', '100 messages and the two member entries')
    t.match(get.text(), /consumed capacity: [\d.]+ units .* in 1 request\(s\)/)
    const years = new Set(
      get.out
        .filter((l) => l.startsWith('{') && l.includes('"kind":"message"'))
        .map((l) => (JSON.parse(l) as { sk: string }).sk.slice(4, 8)),
    )
    t.equal(years.size, 2, 'the demo conversation crosses a New Year')
    t.equal(await runCli(['ddb:get-conversation', 'nope'], capture(env).io), 2)
    t.equal(
      await runCli(['ddb:get-conversation', randomUUID()], capture(env).io),
      1,
      'an unknown conversation',
    )

    // Pattern A shows the newest page even though it spans two years.
    const { doc } = await testTable(t)
    const bayko = (await (
      await fetch(`${users.url}/internal/users/by-handle/bayko`, {
        headers: { 'x-internal-token': facts.internalToken },
      })
    ).json()) as { uuid: string }
    const page = await listMessages(doc, table, {
      conversationUuid: conversation,
      caller: bayko.uuid,
      limit: 100,
    })
    t.equal(page.messages.length, 100)

    const list = capture(env)
    t.equal(await runCli(['ddb:list-conversations', '@AndrewBrown'], list.io), 0, list.errText())
    t.match(list.text(), `"conversation_uuid":"${conversation}"`)
    t.match(list.text(), '1 conversation(s) of @andrewbrown')
    t.match(list.text(), /consumed capacity: .*"IndexName"|gsi1-user-activity/)
    const nobody = capture(env)
    t.equal(await runCli(['ddb:list-conversations', 'nobody-here'], nobody.io), 1)
    t.equal(await runCli(['ddb:list-conversations'], capture(env).io), 2)

    const scan = capture(env)
    t.equal(await runCli(['ddb:scan'], scan.io), 0)
    t.match(scan.text(), '103 item(s)', '100 messages, 2 member entries and the pair record')

    const setup = await promisify(execFile)(
      process.execPath,
      [path.resolve(here, '../dist/stack-setup.js')],
      {
        env: { ...process.env, ...env },
      },
    )
    t.match(setup.stdout, 'exists already', 'the stack setup hook is idempotent')

    const drop = capture(env)
    t.equal(await runCli(['ddb:drop'], drop.io), 0)
    t.match(drop.text(), `dropped table ${table}`)
    const again = capture(env)
    t.equal(await runCli(['ddb:drop'], again.io), 0)
    t.match(again.text(), 'did not exist')
    const gone = capture(env)
    t.equal(await runCli(['ddb:get-conversation', conversation], gone.io), 1)
    t.match(gone.errText(), 'ddb:get-conversation failed')
  },
)

t.test('seed without user-service configured says what is missing', async (t) => {
  const facts = testStack()
  const c = capture({ DYNAMODB_ENDPOINT: facts.dynamodb.endpoint, DDB_MESSAGE_TABLE: 'x-unused' })
  t.equal(await runCli(['ddb:seed'], c.io), 1)
  t.match(c.errText(), 'USER_SERVICE_URL')
})

t.test(
  'only loopback and the compose DynamoDB Local count as local; anything else needs --force',
  async (t) => {
    const local = [
      'http://127.0.0.1:8000',
      'http://127.8.9.10:8000',
      'http://localhost:8000',
      'http://LOCALHOST:8000',
      'http://[::1]:8000',
      'http://dynamodb-local:8000',
    ]
    const remote = [
      'http://[::ffff:10.0.0.5]:8000',
      'http://[fd00::5]:8000',
      'http://[::]:8000',
      'http://dynamodb-prod:8000',
      'http://dynamodb:8000',
      'http://10.0.0.5:8000',
      'http://192.168.1.20:8000',
      'http://localhost.evil.com:8000',
      'http://127.0.0.1.nip.io:8000',
      'http://127.evil.com:8000',
      'https://dynamodb.us-east-1.amazonaws.com',
      'not a url',
    ]
    for (const endpoint of local) t.ok(isLocalEndpoint(endpoint), `${endpoint} is local`)
    for (const endpoint of remote) t.notOk(isLocalEndpoint(endpoint), `${endpoint} is not local`)
    // Refused before any connection is made: none of these hosts is ever contacted.
    for (const endpoint of remote.slice(0, 9)) {
      for (const command of ['ddb:scan', 'ddb:drop']) {
        const refused = capture({ DYNAMODB_ENDPOINT: endpoint, DDB_MESSAGE_TABLE: 'guarded-table' })
        t.equal(await runCli([command], refused.io), 1, `${command} refuses ${endpoint}`)
        t.match(refused.errText(), '--force')
      }
    }
  },
)
