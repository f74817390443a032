import t from 'tap'
import { Value } from 'typebox/value'
import { WebConfig } from '../src/index.js'

const base = { region: 'us-east-1', userPoolId: 'us-east-1_CruddurL1', clientId: 'abc123' }

t.test('web config: real Cognito needs only region, pool and client', async (t) => {
  t.ok(Value.Check(WebConfig, base))
})

t.test('web config: a local endpoint and demo accounts are optional extras', async (t) => {
  t.ok(
    Value.Check(WebConfig, {
      ...base,
      cognitoEndpoint: 'http://127.0.0.1:9229',
      demo: { password: 'Cruddur-Demo-1!', accounts: [{ handle: 'bayko', email: 'bayko@exampro.co' }] },
    }),
  )
})

t.test('web config: malformed values are refused', async (t) => {
  t.notOk(Value.Check(WebConfig, { ...base, userPoolId: 'local pool' }), 'pool id must be <region>_<id>')
  t.notOk(Value.Check(WebConfig, { ...base, cognitoEndpoint: 'ftp://x' }), 'endpoint must be http(s)')
  t.notOk(Value.Check(WebConfig, { region: 'us-east-1', userPoolId: base.userPoolId }), 'client id required')
  t.notOk(Value.Check(WebConfig, { ...base, demo: { accounts: [] } }), 'demo needs its password')
  t.notOk(Value.Check(WebConfig, { ...base, extra: 1 }), 'no unknown fields')
})
