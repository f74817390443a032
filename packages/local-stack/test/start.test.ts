/**
 * `cruddur-stack start` as a user runs it: a process in its own process group (a terminal's
 * foreground job), on free ports, with its data in a temp folder. One start serves the checks
 * of what it exposes, its files, FRONTEND_URL and sign-up; then Ctrl-C with sends in flight,
 * a restart, and a kill -9.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  AdminConfirmSignUpCommand,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import t from 'tap'
import { localCognitoClient } from '../src/cognito.js'
import type { StackFacts } from '../src/facts.js'
import { networkContainment } from '../src/netns.js'
import { isPortFree } from '../src/ports.js'
import { uniqueSuffix } from '../src/testing.js'
import { waitUntil } from '../src/wait.js'
import { cognitoAllowedOrigin } from './lib/cors.js'
import { accepts, listenersOn } from './lib/listeners.js'
import { freeStackPorts, portEnv } from './lib/stack-ports.js'

t.setTimeout(600_000)
const stackBin = fileURLToPath(new URL('../dist/bin/stack.js', import.meta.url))
const FRONTEND = 'http://localhost:23000'
const PASSWORD = 'Pw-signup-1!aA'

const base = mkdtempSync(path.join(os.tmpdir(), 'stack-start-'))
const localDir = path.join(base, 'local')
t.teardown(() => rmSync(base, { recursive: true, force: true }))
const ports = await freeStackPorts()
const env = {
  ...process.env,
  ...portEnv(ports),
  CRUDDUR_LOCAL_DIR: localDir,
  FRONTEND_URL: FRONTEND,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
}

interface Started {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** Starts the stack as its own process group, the way a shell starts a foreground job. */
async function start(): Promise<Started> {
  const child = spawn(process.execPath, [stackBin, 'start'], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8')
  })
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString('utf8')
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL')
  })
  await waitUntil(
    'the stack banner',
    async () => {
      if (child.exitCode !== null) throw new Error(`the stack exited:\n${out}`)
      if (!out.includes('Press Ctrl-C to stop everything.')) throw new Error('not yet')
    },
    { timeoutMs: 240_000, intervalMs: 250 },
  )
  return { child, output: () => out, exited }
}

const allPortsFree = async () => {
  for (const port of Object.values(ports)) if (!(await isPortFree(port))) return false
  return true
}

// An older stack left .local/ world-readable, with a token file anyone could read.
mkdirSync(localDir, { mode: 0o755 })
chmodSync(localDir, 0o755)
writeFileSync(path.join(localDir, 'internal-token'), 'older-run-token-0123456789abcdef\n', { mode: 0o644 })
chmodSync(path.join(localDir, 'internal-token'), 0o644)

const first = await start()
const facts = JSON.parse(readFileSync(path.join(localDir, 'stack.json'), 'utf8')) as StackFacts
const cognito = localCognitoClient(facts.cognito.endpoint, facts.region)
t.teardown(() => cognito.destroy())

t.test('.local/ is private, and an older wide one is fixed once, saying so', async (t) => {
  const mode = (p: string) => statSync(path.join(localDir, p)).mode & 0o077
  if (os.userInfo().uid === 0) {
    // As root the postgres user's ACL entry (traverse only) shows as the group bits' mask.
    t.equal(mode('.') & 0o067, 0, '.local/ is 0700 but for the postgres ACL entry')
    const acl = spawnSync('getfacl', ['-cp', localDir], { encoding: 'utf8' }).stdout
    t.same(
      acl.split('\n').filter((line) => /^(user|group):[^:]+:/.test(line)),
      ['user:postgres:--x'],
      'the one named entry: postgres may traverse, nothing else',
    )
    t.match(acl, /^group::---$/m)
  } else t.equal(mode('.'), 0, '.local/ is 0700')
  for (const file of [
    'stack.json',
    'internal-token',
    'dynamodb/shared-local-instance.db',
    `cognito/.cognito/db/${facts.cognito.userPoolId}.json`,
    'cognito/.cognito/config.json',
  ])
    t.equal(mode(file), 0, `${file} is readable by its owner only`)
  t.equal(mode('postgres'), 0, 'the Postgres data folder is 0700')
  const fixes = first.output().match(/made \d+ item\(s\) under .* private to their owner/g) ?? []
  t.equal(fixes.length, 1, 'the fix is reported once')
  t.equal(facts.internalToken, 'older-run-token-0123456789abcdef', 'the older data itself is kept')
})

t.test(
  'the gateway is the one URL: printed first, in stack.json, and the printed curl works through it',
  async (t) => {
    t.equal(facts.gateway.url, `http://127.0.0.1:${ports.GATEWAY_PORT}`)
    const up = first.output().slice(first.output().lastIndexOf('Cruddur messaging is up'))
    const listed = up.split('\n').slice(1, 4)
    t.match(
      listed[0],
      new RegExp(`^  gateway +${facts.gateway.url.replace(/\./g, '\\.')} `),
      'the gateway first',
    )
    const curl = /curl -s -H "Authorization: Bearer ([^"]+)" (\S+)/.exec(up)
    t.equal(curl?.[2], `${facts.gateway.url}/api/message_groups`, 'the curl goes to the gateway')
    const res = await fetch(curl?.[2] ?? '', { headers: { authorization: `Bearer ${curl?.[1]}` } })
    t.equal(res.status, 200)
    const groups = (await res.json()) as { handle: string }[]
    t.ok(
      groups.some((g) => g.handle === 'bayko'),
      'the demo conversation, through the gateway',
    )
    const short = await fetch(`${facts.gateway.url}/api/users/@londo/short`)
    t.match(
      await short.json(),
      { handle: 'londo', display_name: 'Londo Mollari' },
      'user-service through it too',
    )
    t.equal(
      (await fetch(`${facts.gateway.url}/internal/users/by-handle/londo`)).status,
      404,
      'never /internal',
    )
  },
)

t.test(
  'the banner points at the web page, which signs in against the stack with its demo users',
  async (t) => {
    const up = first.output().slice(first.output().lastIndexOf('Cruddur messaging is up'))
    t.match(
      up,
      new RegExp(`\\n  web page +${facts.gateway.url.replace(/\./g, '\\.')}/ `),
      'the page is printed',
    )
    const page = await fetch(`${facts.gateway.url}/`)
    t.equal(page.status, 200)
    t.match(page.headers.get('content-type'), /^text\/html/)
    const config = (await (await fetch(`${facts.gateway.url}/web-config.json`)).json()) as Record<
      string,
      unknown
    >
    t.same(config, {
      region: facts.region,
      userPoolId: facts.cognito.userPoolId,
      clientId: facts.cognito.clientId,
      cognitoEndpoint: facts.cognito.endpoint,
      demo: {
        password: facts.demoPassword,
        accounts: facts.demoUsers.map((handle) => ({ handle, email: facts.demoEmails[handle] })),
      },
    })
    // A browser on the page's origin may call cognito-local (its CORS answer), by either loopback name.
    const preflight = (origin: string) => cognitoAllowedOrigin(facts.cognito.endpoint, origin)
    for (const origin of [
      `http://localhost:${ports.GATEWAY_PORT}`,
      `http://127.0.0.1:${ports.GATEWAY_PORT}`,
    ]) {
      t.equal(await preflight(origin), origin, `cognito-local allows ${origin}`)
    }
    t.equal(await preflight('http://localhost:1'), null, 'and not any other port')
  },
)

t.test('nothing listens beyond 127.0.0.1', async (t) => {
  for (const [name, port] of Object.entries(ports)) {
    t.same(listenersOn(port), ['127.0.0.1'], `${name} ${port}: one listener, on 127.0.0.1`)
    t.notOk(await accepts('127.0.0.2', port), `${name}: another address of this machine is refused`)
  }
  if (networkContainment().contained) {
    t.match(first.output(), /DynamoDB Local .* runs in its own .*network namespace/, 'the banner says how')
    t.notMatch(first.output(), /WARNING/)
  } else {
    t.match(first.output(), /WARNING: DynamoDB Local listens on every network interface/, 'never pretends')
  }
})

t.test('FRONTEND_URL given to the stack is what the services and engines allow', async (t) => {
  const preflight = async (url: string, origin: string) => {
    const res = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    return res.headers.get('access-control-allow-origin')
  }
  const targets = {
    gateway: `${facts.gateway.url}/api/messages`,
    'user-service': `${facts.userService.url}/api/users/@bayko/short`,
    'messaging-service': `${facts.messagingService.url}/api/messages`,
    'DynamoDB Local': `${facts.dynamodb.endpoint}/`,
    'cognito-local': `${facts.cognito.endpoint}/`,
  }
  for (const [name, url] of Object.entries(targets)) {
    t.equal(await preflight(url, FRONTEND), FRONTEND, `${name} allows the given origin`)
    t.equal(await preflight(url, 'http://localhost:3000'), null, `${name}: the default is not in effect`)
    t.equal(await preflight(url, 'https://evil.example'), null, `${name} refuses any other`)
  }
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      stackBin,
      'env',
      '--service',
      'messaging-service',
      '--',
      process.execPath,
      '-e',
      'process.stdout.write(process.env.FRONTEND_URL)',
    ],
    { env: { ...env, FRONTEND_URL: 'http://localhost:24444' } },
  )
  t.equal(
    stdout.split('\n').at(-1),
    'http://localhost:24444',
    '`cruddur-stack env` passes the one it is given',
  )
})

/** The code the stack printed for `email` (cognito-local only logs it; the stack prints it). */
const printedCode = async (email: string) => {
  let code = ''
  await waitUntil('the printed confirmation code', async () => {
    const m = new RegExp(`confirmation code for ${email.replace('.', '\\.')}: (\\d+)`).exec(first.output())
    if (!m?.[1]) throw new Error('not printed yet')
    code = m[1]
  })
  return code
}
const signUp = (email: string, handle: string) =>
  cognito.send(
    new SignUpCommand({
      ClientId: facts.cognito.clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'name', Value: `New ${handle}` },
        { Name: 'preferred_username', Value: handle },
      ],
    }),
  )
const directory = async (handle: string) => {
  const res = await fetch(`${facts.userService.url}/api/users/@${handle}/short`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

t.test('sign up, confirm with the printed code, and message at once', async (t) => {
  const handle = `gkar${uniqueSuffix()}`
  const email = `${handle}@narn.example`
  const out = await signUp(email, handle)
  t.equal(out.UserConfirmed, false)
  t.equal(out.CodeDeliveryDetails?.Destination, email, 'a code is "sent" to the e-mail')
  t.equal((await directory(handle)).status, 404, 'not in the directory before confirming')
  await cognito.send(
    new ConfirmSignUpCommand({
      ClientId: facts.cognito.clientId,
      Username: email,
      ConfirmationCode: await printedCode(email),
    }),
  )
  const found = await directory(handle)
  t.equal(found.status, 200, 'the PostConfirmation handler put them in the directory')
  t.equal(found.body.display_name, `New ${handle}`)
  const auth = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: facts.cognito.clientId,
      AuthParameters: { USERNAME: email, PASSWORD },
    }),
  )
  // Through the one public origin, as the web client does.
  const res = await fetch(`${facts.gateway.url}/api/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${auth.AuthenticationResult?.AccessToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ handle: 'bayko', message: 'Hello from a new sign-up' }),
  })
  t.equal(res.status, 200, 'they start a conversation through the gateway')
  t.match(await res.json(), { handle, message: 'Hello from a new sign-up' })
})

t.test('AdminConfirmSignUp runs the trigger too', async (t) => {
  const handle = `narn${uniqueSuffix()}`
  await signUp(`${handle}@narn.example`, handle)
  await cognito.send(
    new AdminConfirmSignUpCommand({
      UserPoolId: facts.cognito.userPoolId,
      Username: `${handle}@narn.example`,
    }),
  )
  t.equal((await directory(handle)).status, 200)
})

t.test('a trigger failure reaches the client as Cognito reports it', async (t) => {
  const email = `impostor${uniqueSuffix()}@narn.example`
  await signUp(email, 'Londo') // the demo user's handle, in other letters
  await t.rejects(
    cognito.send(
      new ConfirmSignUpCommand({
        ClientId: facts.cognito.clientId,
        Username: email,
        ConfirmationCode: await printedCode(email),
      }),
    ),
    { name: 'UserLambdaValidationException', message: /^PostConfirmation failed with error .*handle_taken/ },
  )
  t.match(
    (await directory('londo')).body,
    { handle: 'londo', display_name: 'Londo Mollari' },
    'the directory is unchanged',
  )
})

/** Sends of the Ctrl-C test, by their Idempotency-Key: the text, and whether a 200 came back. */
const inFlight = new Map<string, { text: string; acknowledged: boolean }>()
let inFlightToken = ''
let inFlightConversation = ''
/** Bayko's send to andrewbrown with an Idempotency-Key, straight to the messaging-service. */
const sendInFlight = (key: string, text: string) =>
  fetch(`${facts.messagingService.url}/api/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${inFlightToken}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify({ handle: 'andrewbrown', message: text }),
  })

/** A send as a well-behaved client makes it: a 429 (the per-caller send limit) waits its Retry-After and tries again. */
async function sendRespectingLimit(key: string, text: string, giveUp: () => boolean = () => false) {
  for (;;) {
    const res = await sendInFlight(key, text)
    if (res.status !== 429 || giveUp()) return res
    await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000)
  }
}

t.test('Ctrl-C with sends in flight: none answered 503, every port free after', async (t) => {
  const auth = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: facts.cognito.clientId,
      AuthParameters: { USERNAME: 'bayko@exampro.co', PASSWORD: facts.demoPassword },
    }),
  )
  inFlightToken = auth.AuthenticationResult?.AccessToken ?? ''
  const statuses: Record<string, number> = {}
  const unanswered: string[] = []
  let stopping = false
  let n = 0
  const sender = async () => {
    while (!stopping) {
      const key = `ctrl-c-${++n}`
      const text = `in flight ${n}`
      try {
        const res = await sendRespectingLimit(key, text, () => stopping)
        statuses[res.status] = (statuses[res.status] ?? 0) + 1
        if (res.status === 200) {
          inFlightConversation = ((await res.json()) as { message_group_uuid: string }).message_group_uuid
        }
        inFlight.set(key, { text, acknowledged: res.status === 200 })
      } catch (error) {
        // After the service has closed its port a new connection is refused: never sent. A reset
        // can be HTTP/1.1's keep-alive race (the server closed an idle connection as the request
        // went out on it, RFC 9112 section 9.6): the client cannot know whether it was stored, so
        // it is retried with its key after the restart (the next test), as a real client would.
        const code = (error as { cause?: { code?: string } }).cause?.code ?? String(error)
        if (code !== 'ECONNREFUSED') {
          unanswered.push(code)
          inFlight.set(key, { text, acknowledged: false })
        }
        return
      }
    }
  }
  const senders = Array.from({ length: 48 }, sender)
  await waitUntil('sends under way', async () => {
    if ((statuses[200] ?? 0) < 16) throw new Error('not yet')
  })
  // What a terminal's Ctrl-C does: SIGINT to every process of the foreground process group.
  process.kill(-(first.child.pid ?? 0), 'SIGINT')
  const code = await first.exited
  stopping = true
  await Promise.all(senders)
  t.equal(code, 130, 'the stack exits as a job stopped by Ctrl-C does (128 + SIGINT)')
  t.notOk(statuses[503], `no send answered 503 (${JSON.stringify(statuses)})`)
  // 48 senders of one person are over the send limit: a 429 is waited out (Retry-After) and retried.
  t.same(
    Object.keys(statuses).filter((s) => s !== '429'),
    ['200'],
    'every answer was a 200 (or a 429 waited out)',
  )
  t.comment(
    `${unanswered.length} send(s) without an answer (${unanswered.join(', ') || 'none'}): settled after the restart`,
  )
  t.ok((statuses[200] ?? 0) >= 16, 'sends were answered until the service closed')
  t.match(first.output(), /stopped cleanly\./)
  t.ok(await allPortsFree(), 'every port is free')
})

/** Every message text of one conversation, all pages. */
async function conversationTexts(baseUrl: string, conversation: string, token: string): Promise<string[]> {
  const texts: string[] = []
  let cursor = ''
  do {
    const res = await fetch(
      `${baseUrl}/api/messages/${conversation}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: { authorization: `Bearer ${token}` } },
    )
    if (res.status !== 200) throw new Error(`GET messages answered ${res.status}`)
    for (const m of (await res.json()) as Array<{ message: string }>) texts.push(m.message)
    cursor = res.headers.get('x-next-cursor') ?? ''
  } while (cursor)
  return texts
}

t.test('restarted, data kept; kill -9 of the stack leaves no engine or service behind', async (t) => {
  const second = await start()
  t.notMatch(second.output(), /made \d+ item\(s\)/, 'nothing to fix this time')
  t.match((await directory('bayko')).body, { handle: 'bayko' })
  // The Ctrl-C test's sends: the unanswered ones retried with their keys, then each stored once.
  for (const [key, send] of inFlight) {
    if (send.acknowledged) continue
    const res = await sendRespectingLimit(key, send.text)
    t.equal(res.status, 200, `the retry of ${key} is answered`)
  }
  const stored = await conversationTexts(facts.messagingService.url, inFlightConversation, inFlightToken)
  const wrong = [...inFlight.values()].filter((send) => stored.filter((x) => x === send.text).length !== 1)
  t.same(wrong, [], `each of the ${inFlight.size} sends of the Ctrl-C test is stored exactly once`)
  process.kill(second.child.pid ?? 0, 'SIGKILL')
  await second.exited
  await waitUntil(
    'every port to be released',
    async () => {
      if (!(await allPortsFree())) throw new Error('still in use')
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  )
  t.pass('the engines and services stopped with their parent')
})
