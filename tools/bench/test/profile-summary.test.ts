import t from 'tap'
import { areaOf, summarizeProfile } from '../src/profile-summary.js'

t.test('areaOf names the package, node internals or the service that owns a frame', async (t) => {
  const pnpm = 'file:///w/node_modules/.pnpm/@aws-sdk+core@3.9/node_modules/@aws-sdk/core/dist-cjs/index.js'
  t.equal(areaOf(pnpm, 'x'), '@aws-sdk/core')
  t.equal(areaOf('file:///w/node_modules/.pnpm/fastify@5/node_modules/fastify/lib/route.js', 'x'), 'fastify')
  t.equal(areaOf('node:internal/http', 'x'), 'node internals')
  t.equal(areaOf('file:///w/services/messaging-service/dist/routes/messages.js', 'x'), 'messaging-service')
  t.equal(areaOf('', '(garbage collector)'), '(garbage collector)')
  t.equal(areaOf('', 'JSONStringify'), '(native)')
  t.equal(areaOf('file:///elsewhere.js', 'x'), 'file:///elsewhere.js')
})

t.test('summarizeProfile adds self time per area and function, leaving idle out', async (t) => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 })
  const summary = summarizeProfile({
    nodes: [
      { id: 1, callFrame: frame('(idle)', '') },
      { id: 2, callFrame: frame('verify', 'file:///w/node_modules/aws-jwt-verify/dist/jwt.js') },
      { id: 3, callFrame: frame('', 'file:///w/services/messaging-service/dist/app.js') },
      { id: 4, callFrame: frame('(garbage collector)', '') },
    ],
    samples: [1, 2, 2, 3, 4, 1],
    timeDeltas: [5000, 3000, 3000, 2000, 2000, 9000],
  })
  t.equal(summary.busyMs, 10, 'idle samples are not busy time')
  t.same(summary.byArea[0], { area: 'aws-jwt-verify', ms: 6, percent: 60 })
  t.same(summary.byFunction[0], { fn: 'verify jwt.js:10', area: 'aws-jwt-verify', ms: 6, percent: 60 })
  t.ok(summary.byFunction.some((f) => f.fn === '(anonymous) app.js:10'))
  t.same(summarizeProfile({ nodes: [] }), { busyMs: 0, byArea: [], byFunction: [] })
})
