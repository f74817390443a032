import t from 'tap'
import { inParallel, lastPage } from '../src/paging.js'

t.test('the last page of a list in pages of 20, and its size', async (t) => {
  t.same(lastPage(100), { page: 5, size: 20 })
  t.same(lastPage(101), { page: 6, size: 1 })
  t.same(lastPage(7), { page: 1, size: 7 })
  t.same(lastPage(0), { page: 1, size: 0 }, 'an empty list still has its first page')
})

t.test('inParallel runs every index once, never more than the bound at a time', async (t) => {
  const seen: number[] = []
  let running = 0
  let most = 0
  await inParallel(50, 4, async (i) => {
    running++
    most = Math.max(most, running)
    await new Promise((r) => setTimeout(r, 1))
    seen.push(i)
    running--
  })
  t.same(
    seen.sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  )
  t.equal(most, 4)
  await inParallel(2, 8, async (i) => {
    seen.push(i)
  })
  t.equal(seen.length, 52, 'fewer items than the bound: each still once')
})

t.test('a failing item fails the whole run', async (t) => {
  await t.rejects(
    inParallel(10, 3, async (i) => {
      if (i === 5) throw new Error('item 5')
    }),
    /item 5/,
  )
})
