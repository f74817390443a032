import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { freePort, isPortFree } from '../src/ports.js'
import { hasRedis, pingRedis, RedisMissingError, startRedis } from '../src/redis.js'
import { REDIS_MISSING, requireRedis, testStack } from '../src/testing.js'
import { listenersOn } from './lib/listeners.js'

t.test('Redis starts on 127.0.0.1, answers PING, stops and frees its port', async (t) => {
  if (!hasRedis()) {
    await t.rejects(startRedis({ port: await freePort(), dir: os.tmpdir() }), RedisMissingError)
    return
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'redis-engine-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const port = await freePort()
  const redis = await startRedis({ port, dir })
  t.equal(redis.url, `redis://127.0.0.1:${port}`)
  await pingRedis(port)
  t.same(listenersOn(port), ['127.0.0.1'], 'loopback only')
  await redis.stop()
  t.ok(await isPortFree(port), 'port freed')
  await t.rejects(pingRedis(port), 'gone')
})

t.test('a missing redis-server names what to install, in one line', async (t) => {
  await t.rejects(
    startRedis({ port: await freePort(), dir: os.tmpdir(), command: '/nonexistent/redis-server' }),
    { name: 'RedisMissingError', message: /apt-get install -y redis-server/ },
  )
  t.notMatch(REDIS_MISSING, /\n/, 'one line')
  const stops: string[] = []
  const stop = (line: string): never => {
    stops.push(line)
    throw new Error('stopped')
  }
  const { redis: _none, ...withoutRedis } = testStack()
  t.throws(() => requireRedis(withoutRedis, stop), /stopped/)
  t.same(stops, [REDIS_MISSING], 'a test needing Redis stops with that line')
  t.same(requireRedis({ ...withoutRedis, redis: { url: 'redis://127.0.0.1:1' } }, stop), {
    url: 'redis://127.0.0.1:1',
  })
})

t.test('the test stack has a Redis where redis-server is installed', async (t) => {
  const facts = testStack()
  if (!hasRedis()) {
    t.equal(facts.redis, undefined)
    return
  }
  const url = new URL(requireRedis(facts).url)
  await pingRedis(Number(url.port), url.hostname)
  t.pass('it answers')
})
