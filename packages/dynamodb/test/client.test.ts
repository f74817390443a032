import t from 'tap'
import { createDocumentClient, createDynamoClient, isEngineOutage } from '../src/index.js'

t.test('a local endpoint gets dummy credentials; unset means real AWS', async (t) => {
  const local = createDynamoClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:8000' })
  t.teardown(() => local.destroy())
  t.equal(await local.config.region(), 'eu-west-1')
  t.equal((await local.config.endpoint?.())?.hostname, '127.0.0.1')
  t.match(await local.config.credentials(), { accessKeyId: 'local', secretAccessKey: 'local' })
  t.equal(await local.config.maxAttempts(), 2, 'the service default: one retry')
  const aws = createDynamoClient({ region: 'us-east-1', maxAttempts: 3 })
  t.teardown(() => aws.destroy())
  t.equal(aws.config.endpoint, undefined, 'no endpoint: the SDK derives the AWS one')
  t.equal(await aws.config.maxAttempts(), 3)
})

t.test('the document client leaves undefined values out', async (t) => {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:8000' })
  t.teardown(() => client.destroy())
  const doc = createDocumentClient(client)
  t.equal(doc.config.translateConfig?.marshallOptions?.removeUndefinedValues, true)
})

t.test('engine outages are told apart from the caller’s mistakes', async (t) => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
  t.ok(isEngineOutage(refused), 'a socket error')
  t.ok(isEngineOutage({ name: 'Whatever', $fault: 'server' }), 'a server fault')
  t.ok(isEngineOutage({ name: 'ResourceNotFoundException', $fault: 'client' }), 'a missing table')
  t.ok(isEngineOutage({ name: 'ThrottlingException', $fault: 'client' }))
  t.notOk(isEngineOutage({ name: 'ValidationException', $fault: 'client', code: 'x' }), 'a bad request')
  t.notOk(isEngineOutage(new Error('a bug')))
  t.notOk(isEngineOutage(undefined))
})
