/**
 * startSystem's order, on real engines with stand-in services (a fake monorepo root whose
 * services are small scripts that log what happened to them): the gateway boots while
 * messaging-service's setup hook runs, is awaited ready last, and is stopped first; a failing
 * hook fails the start at once and leaves no service running, the early gateway included.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { isPortFree } from '../src/ports.js'
import { startSystem } from '../src/system.js'
import { freeStackPorts, portEnv } from './lib/stack-ports.js'

t.setTimeout(300_000)

/** A stand-in server: logs start and SIGTERM to events.log; /ready is 200 unless it waits on `readyWhen`. */
const server = (name: string, readyWhen?: string) => `
const http = require('node:http')
const fs = require('node:fs')
const log = (what) => fs.appendFileSync(process.env.EVENTS, ${JSON.stringify(name)} + ' ' + what + '\\n')
log('start')
const upstreamReady = async () => {
  ${readyWhen ? `try { return (await fetch(process.env.${readyWhen} + '/ready')).status === 200 } catch { return false }` : 'return true'}
}
const srv = http.createServer(async (req, res) => {
  if (req.url === '/health') return res.end('{}')
  res.statusCode = req.url === '/ready' && !(await upstreamReady()) ? 503 : 200
  res.end('{}')
})
srv.listen(Number(process.env.PORT), process.env.HOST)
process.on('SIGTERM', () => { log('sigterm'); srv.close(() => process.exit(0)) })
`
const hook = (name: string, code: number) => `
const fs = require('node:fs')
const log = (what) => fs.appendFileSync(process.env.EVENTS, ${JSON.stringify(name)} + ' ' + what + '\\n')
log('hook start')
setTimeout(() => { log('hook end'); process.exit(${code}) }, 1500)
`

async function fakeRoot(messagingHookExit: number) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'stack-order-'))
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), text)
  }
  write('pnpm-workspace.yaml', 'packages: []\n')
  write('services/user-service/dist/stack-setup.js', hook('user-service', 0))
  write('services/user-service/dist/server.js', server('user-service'))
  write('services/messaging-service/dist/stack-setup.js', hook('messaging-service', messagingHookExit))
  write('services/messaging-service/dist/server.js', server('messaging-service'))
  write('services/gateway/dist/server.js', server('gateway', 'MESSAGING_SERVICE_URL'))
  const ports = await freeStackPorts()
  const events = path.join(root, 'events.log')
  writeFileSync(events, '')
  // The hooks and services inherit this process's environment (startSystem's env only picks
  // the stack's settings), so that is where the log's path goes.
  process.env.EVENTS = events
  const env = {
    ...process.env,
    ...portEnv(ports),
    CRUDDUR_LOCAL_DIR: path.join(root, 'local'),
  }
  const lines: string[] = []
  const start = () => startSystem({ root, fresh: true, services: true, env, print: (l) => lines.push(l) })
  return {
    root,
    ports,
    lines,
    start,
    events: () => readFileSync(events, 'utf8').trim().split('\n'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  }
}

t.test('the gateway boots during the messaging hook, is ready last and stops first', async (t) => {
  const fake = await fakeRoot(0)
  t.teardown(fake.cleanup)
  const system = await fake.start()
  const started = fake.events()
  const at = (line: string) => started.indexOf(line)
  t.ok(at('gateway start') >= 0, 'the gateway started')
  t.ok(at('gateway start') < at('messaging-service hook end'), 'before messaging-service’s hook ended')
  t.ok(at('messaging-service hook end') < at('messaging-service start'), 'messaging-service after its hook')
  t.equal(
    (await fetch(`${system.facts.gateway.url}/ready`)).status,
    200,
    'the start returned with the gateway ready (both services up)',
  )
  await system.stop()
  const stopped = fake.events().filter((l) => l.endsWith('sigterm'))
  t.same(
    stopped,
    ['gateway sigterm', 'messaging-service sigterm', 'user-service sigterm'],
    'stopped in order: the public door first',
  )
  for (const [name, port] of Object.entries(fake.ports))
    t.ok(await isPortFree(port), `${name} free after stop`)
})

t.test('a failing messaging hook fails the start and leaves nothing running', async (t) => {
  const fake = await fakeRoot(3)
  t.teardown(fake.cleanup)
  await t.rejects(fake.start(), /messaging-service setup hook failed \(exit 3\)/)
  const events = fake.events()
  t.ok(events.includes('gateway start'), 'the gateway had started')
  t.ok(events.includes('gateway sigterm'), 'and was stopped')
  t.notOk(events.includes('messaging-service start'), 'messaging-service never started')
  for (const [name, port] of Object.entries(fake.ports))
    t.ok(await isPortFree(port), `${name} free after the failure`)
})
