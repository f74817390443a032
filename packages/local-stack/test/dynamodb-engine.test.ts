import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ListTablesCommand } from '@aws-sdk/client-dynamodb'
import t from 'tap'
import { localDynamoClient, startDynamo } from '../src/dynamodb.js'
import { networkContainment } from '../src/netns.js'
import { freePort } from '../src/ports.js'
import { createScratchTable } from '../src/testing.js'
import { accepts, listenersOn } from './lib/listeners.js'

t.test('DynamoDB Local on disk keeps its tables across a crash and a restart', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ddb-engine-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const port = await freePort()
  const first = await startDynamo({ port, dataDir: dir })
  const client = localDynamoClient(first.endpoint)
  t.teardown(() => client.destroy())
  await createScratchTable(client, 'survivor')
  first.kill()
  await t.rejects(
    (async () => {
      // give the kernel a moment to reap it
      for (let i = 0; i < 50; i++) {
        await client.send(new ListTablesCommand({}))
        await new Promise((r) => setTimeout(r, 100))
      }
    })(),
    'requests fail while the engine is down',
  )
  const second = await startDynamo({ port, dataDir: dir })
  t.teardown(() => second.stop())
  const tables = await client.send(new ListTablesCommand({}))
  t.same(tables.TableNames, ['survivor'])
})

t.test('a port already taken is refused before a second engine starts', async (t) => {
  const port = await freePort()
  const holder = await startDynamo({ port })
  t.teardown(() => holder.stop())
  await t.rejects(startDynamo({ port }), { name: 'PortInUseError', message: /DYNAMODB_PORT/ })
})

t.test('contained: reachable only through 127.0.0.1, however the machine is addressed', async (t) => {
  const containment = networkContainment()
  const port = await freePort()
  const engine = await startDynamo({ port, corsOrigins: 'http://localhost:23000' })
  t.teardown(() => engine.stop())
  if (!containment.contained) {
    t.same(engine.isolation, { contained: false, reason: containment.reason }, 'says why it runs plain')
    return
  }
  t.same(engine.isolation, { contained: true, how: containment.how })
  t.same(listenersOn(port), ['127.0.0.1'], 'the only listener here is the bridge, on loopback')
  t.notOk(await accepts('127.0.0.2', port), 'another address of this machine is refused')
  const client = localDynamoClient(engine.endpoint)
  t.teardown(() => client.destroy())
  t.ok(
    Array.isArray((await client.send(new ListTablesCommand({}))).TableNames),
    'it answers through the bridge',
  )
  const preflight = (origin: string) =>
    fetch(`${engine.endpoint}/`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    }).then((res) => res.headers.get('access-control-allow-origin'))
  t.equal(await preflight('http://localhost:23000'), 'http://localhost:23000', '-cors: the configured origin')
  t.equal(await preflight('https://evil.example'), null, 'no other (its own default was *)')
})

t.test('plain, when containment is switched off: it says so', async (t) => {
  const port = await freePort()
  const engine = await startDynamo({ port, contain: false })
  t.teardown(() => engine.stop())
  t.same(engine.isolation, { contained: false, reason: 'containment switched off' })
  t.ok(
    listenersOn(port).some((address) => address === '0.0.0.0' || /^0(:0)*$/.test(address)),
    'DynamoDB Local alone listens on every interface: the reason it is contained',
  )
})
