import t from 'tap'
import { hrefOf, parseRoute } from '../../src/ui/route.js'

t.test('the address says what is open', async (t) => {
  const id = '0b7e2f3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c'
  t.same(parseRoute(`#/c/${id.toUpperCase()}`), { view: 'conversation', id })
  t.same(parseRoute('#/c/not-a-uuid'), { view: 'list' })
  t.same(parseRoute('#/new'), { view: 'new' })
  t.same(parseRoute(''), { view: 'list' })
  t.equal(hrefOf({ view: 'conversation', id }), `#/c/${id}`)
  t.equal(hrefOf({ view: 'new' }), '#/new')
  t.equal(hrefOf({ view: 'list' }), '#/')
})
