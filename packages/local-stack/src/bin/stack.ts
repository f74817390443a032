#!/usr/bin/env node
/**
 * cruddur-stack: the embedded local stack's command line. `pnpm start`, `pnpm test`,
 * `pnpm dev` and `pnpm demo-token` all come through here.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import exitHook from 'async-exit-hook'
import { banner } from '../banner.js'
import { demoAccessToken } from '../demo-token.js'
import { parseStackFacts, STACK_ENV, type StackFacts } from '../facts.js'
import { repoRoot, stackJsonPath } from '../paths.js'
import { type ServiceName, serviceEnv } from '../service-env.js'
import { SERVICES } from '../services.js'
import { startSystem } from '../system.js'
import { tapTally } from '../tap-tally.js'
import { startTestStack } from '../test-stack.js'

const HELP = `cruddur-stack — the embedded local stack (PostgreSQL, DynamoDB Local, cognito-local)

Usage:
  cruddur-stack start [--fresh] [--no-services]
      Start the engines, run each service's setup (migrations, table, demo data), start
      both services and the gateway, print where everything listens (the gateway first: it
      is the one URL a user needs) and write .local/stack.json.
      --fresh        delete .local/ first and start empty
      --no-services  engines and setup only (pnpm dev runs the services in watch mode)
      Ports: GATEWAY_PORT (4000), USER_SERVICE_PORT (4001), MESSAGING_SERVICE_PORT (4002),
             POSTGRES_PORT (5433), DYNAMODB_PORT (8000), COGNITO_PORT (9229).
             Ctrl-C stops everything.
      FRONTEND_URL   the web client's origins (comma-separated) the services and engines allow
      STACK_BIND     listen address of everything (127.0.0.1); e.g. 0.0.0.0 to be reachable
                     from other machines: the engines have no authentication of their own
  cruddur-stack run -- <command...>
      Run a command (the tests) against a throw-away stack on free ports, handing it the
      connection facts in ${STACK_ENV}. Reuses the stack when ${STACK_ENV} is already set.
      Starts a Redis too where redis-server is installed (apt-get install redis-server).
  cruddur-stack env --service <user-service|messaging-service|gateway> -- <command...>
      Wait for a running \`start\` (.local/stack.json), then run a command with that
      service's environment (used by pnpm dev; FRONTEND_URL given to it is kept).
  cruddur-stack token <handle or e-mail>
      Print a fresh Cognito access token for a demo user of the running local stack
      (\`pnpm demo-token londo\` from the repository root).
  cruddur-stack --help
`

function fail(message: string, code = 1): never {
  process.stderr.write(`cruddur-stack: ${message}\n`)
  process.exit(code)
}

function afterDashes(args: string[]): string[] {
  const i = args.indexOf('--')
  const command = i >= 0 ? args.slice(i + 1) : []
  if (command.length === 0) fail('missing the command after `--` (see --help)', 2)
  return command
}

function runChild(
  command: string[],
  env: NodeJS.ProcessEnv,
  tally?: ReturnType<typeof tapTally>,
): Promise<number> {
  return new Promise((resolve) => {
    const [bin, ...rest] = command as [string, ...string[]]
    const child = spawn(bin, rest, {
      stdio: ['inherit', tally ? 'pipe' : 'inherit', 'inherit'],
      env,
      shell: false,
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk)
      tally?.feed(chunk)
    })
    child.on('error', (error) => {
      process.stderr.write(`cruddur-stack: could not run ${bin}: ${error.message}\n`)
      resolve(127)
    })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 2 : 1)))
  })
}

async function readFacts(): Promise<StackFacts> {
  const file = stackJsonPath()
  if (!existsSync(file)) fail(`no running local stack (${file} is missing): start it with \`pnpm start\``)
  return parseStackFacts(await readFile(file, 'utf8'))
}

async function cmdStart(args: string[]) {
  const t0 = Date.now()
  const print = (line: string) => process.stdout.write(`${line}\n`)
  const root = repoRoot()
  const services = !args.includes('--no-services')
  let stopping: Promise<void> | undefined
  let system: Awaited<ReturnType<typeof startSystem>> | undefined
  exitHook.forceExitTimeout(30_000)
  // On a signal the hook gets a callback; on a plain exit (a failed start) it is called without.
  exitHook((done?: () => void) => {
    if (!system) return done?.()
    print('\nstopping…')
    stopping ??= system.stop().then(() => {
      print('stopped cleanly.')
    })
    stopping.then(done, done)
  })
  try {
    system = await startSystem({ root, fresh: args.includes('--fresh'), services, env: process.env, print })
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error))
  }
  if (services) print(await banner(system.facts, root, Date.now() - t0, system.notes))
  else {
    for (const note of system.notes) print(note)
    print(
      `engines and setup ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; services are started by pnpm dev`,
    )
  }
}

async function cmdRun(args: string[]) {
  const command = afterDashes(args)
  if (process.env[STACK_ENV]) process.exit(await runChild(command, process.env))
  process.stdout.write('cruddur-stack: starting a throw-away stack for the tests…\n')
  const t0 = Date.now()
  const stack = await startTestStack()
  process.stdout.write(`cruddur-stack: engines ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await stack.stop()
  }
  exitHook((done) => {
    stop().then(done, done)
  })
  // The SDK's Node 20 end-of-support notice would repeat in every test file's output.
  const env = {
    ...process.env,
    [STACK_ENV]: JSON.stringify(stack.facts),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
  const tally = tapTally()
  const code = await runChild(command, env, tally)
  await stop()
  const { pass, fail, skip, runs } = tally.totals
  if (tally.failures.length > 0) {
    process.stdout.write(
      `\nfailed assertions (innermost first, then the tests around them):\n${tally.failures.join('\n')}\n`,
    )
  }
  if (runs > 0) {
    // One closing line for the whole run, in the plain form CI readers understand.
    process.stdout.write(`\ntests: ${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}\n`)
  }
  process.exit(code)
}

async function cmdEnv(args: string[]) {
  const i = args.indexOf('--service')
  const service = args[i + 1] as ServiceName | undefined
  if (i < 0 || !service || !SERVICES.includes(service)) {
    fail(`--service must be one of ${SERVICES.join(', ')}`, 2)
  }
  const command = afterDashes(args)
  const file = stackJsonPath()
  for (let waited = 0; !existsSync(file); waited += 500) {
    if (waited % 10_000 === 0) process.stdout.write(`waiting for the local stack (${file})…\n`)
    if (waited > 300_000) fail('the local stack did not come up within 5 minutes')
    await sleep(500)
  }
  const facts = await readFacts()
  process.exit(await runChild(command, { ...process.env, ...serviceEnv(service, facts) }))
}

async function cmdToken(args: string[]) {
  const who = args[0]
  if (!who) fail('usage: cruddur-stack token <handle or e-mail>', 2)
  const facts = await readFacts()
  try {
    process.stdout.write(`${await demoAccessToken(facts, who)}\n`)
  } catch (error) {
    fail(`no token for ${who}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

// The AWS SDK's Node 20 end-of-support notice would otherwise repeat for every engine client and
// local service this tool starts (README: Node 22/24 are what users run).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const [command, ...rest] = process.argv.slice(2)
const commands: Record<string, (args: string[]) => Promise<void>> = {
  start: cmdStart,
  run: cmdRun,
  env: cmdEnv,
  token: cmdToken,
}
if (!command || command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(HELP)
} else if (rest.includes('--help') && !rest.includes('--')) {
  process.stdout.write(HELP)
} else {
  const run = commands[command]
  if (!run) fail(`unknown command "${command}" (see --help)`, 2)
  run(rest).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)))
}
