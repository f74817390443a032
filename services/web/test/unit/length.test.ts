import t from 'tap'
import { codePoints, lengthStatus, MAX_CHARS } from '../../src/compose/length.js'

t.test('length counts Unicode code points, as the server does', async (t) => {
  t.equal(codePoints(''), 0)
  t.equal(codePoints('hello'), 5)
  t.equal(codePoints('😀'), 1, 'an astral emoji is one, not two UTF-16 units')
  t.equal(codePoints('é'), 1, 'a precomposed letter is one')
  t.equal(codePoints('e\u0301'), 2, 'a combining accent is its own code point')
  t.equal(codePoints('👍🏽'), 2, 'emoji + skin-tone modifier: two code points')
  t.equal(codePoints('\ud800'), 1, 'a lone surrogate counts once')
})

t.test('the limit is the server’s 1024, blank is whitespace only', async (t) => {
  t.equal(MAX_CHARS, 1024)
  t.same(lengthStatus('😀'.repeat(1024)), { count: 1024, remaining: 0, over: false, blank: false })
  t.same(lengthStatus('😀'.repeat(1025)), { count: 1025, remaining: -1, over: true, blank: false })
  t.ok(lengthStatus(' \n\t ').blank)
  t.notOk(lengthStatus(' a ').blank)
  t.ok(lengthStatus('abc', 2).over, 'another limit can be given')
})
