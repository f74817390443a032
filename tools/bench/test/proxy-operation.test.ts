import t from 'tap'
import { operationOf } from '../src/proxy-operation.js'

t.test('requests are counted per route, not per id', async (t) => {
  t.equal(
    operationOf('GET', '/internal/users/by-sub/3f1c2b9e-5a47-4d0e-9c1a-7b2f8e6d4a10'),
    'GET /internal/users/by-sub/:id',
  )
  t.equal(operationOf('GET', '/internal/users/by-handle/bayko?x=1'), 'GET /internal/users/by-handle/:id')
  t.equal(operationOf('POST', '/internal/users/batch'), 'POST /internal/users/batch')
  t.equal(operationOf(), 'GET /')
})
