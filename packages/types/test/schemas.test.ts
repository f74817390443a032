import { readFileSync } from 'node:fs'
import t from 'tap'
import { Value } from 'typebox/value'
import {
  CreateMessageBody,
  ErrorBody,
  ListQuery,
  MessageGroupItem,
  PostConfirmationEvent,
  Timestamp,
} from '../src/index.js'

t.test('timestamps are ISO-8601 UTC with milliseconds', async (t) => {
  t.ok(Value.Check(Timestamp, '2026-01-01T00:00:00.000Z'))
  t.notOk(Value.Check(Timestamp, '2026-01-01T00:00:00Z'), 'milliseconds are required')
  t.notOk(Value.Check(Timestamp, '2026-01-01T00:00:00.000+01:00'), 'UTC only')
})

t.test('list query bounds the limit to 1..100', async (t) => {
  t.ok(Value.Check(ListQuery, { limit: 1 }))
  t.ok(Value.Check(ListQuery, { limit: 100, cursor: 'abc' }))
  t.notOk(Value.Check(ListQuery, { limit: 0 }))
  t.notOk(Value.Check(ListQuery, { limit: 101 }))
})

t.test('create-message body allows either target and nothing else', async (t) => {
  t.ok(Value.Check(CreateMessageBody, { message: 'hi', handle: 'bayko' }))
  t.notOk(Value.Check(CreateMessageBody, { message: 'hi', extra: 1 }))
  t.notOk(Value.Check(CreateMessageBody, { message: 42 }))
})

t.test('error body shape', async (t) => {
  t.ok(
    Value.Check(ErrorBody, { statusCode: 404, error: 'Not Found', message: 'x', errors: ['user_not_found'] }),
  )
  t.notOk(Value.Check(ErrorBody, { statusCode: 200, error: 'OK', message: 'x' }))
})

t.test('message group items carry exactly the web client fields, and the unread count', async (t) => {
  const item = {
    uuid: '5ae290ed-55d1-47a0-bc6d-fe2bc2700399',
    display_name: 'Andrew Bayko',
    handle: 'bayko',
    message: 'hello',
    created_at: '2026-01-01T00:00:00.000Z',
    unread_count: 2,
  }
  t.ok(Value.Check(MessageGroupItem, item))
  t.notOk(Value.Check(MessageGroupItem, { ...item, unread_count: -1 }), 'never below zero')
  t.notOk(Value.Check(MessageGroupItem, { ...item, pk: 'GRP#x' }), 'no table internals leak')
})

t.test('the Cognito post-confirmation fixture matches the event schema', async (t) => {
  const fixture = JSON.parse(
    readFileSync(new URL('../../../fixtures/cognito-post-confirmation-event.json', import.meta.url), 'utf8'),
  )
  t.ok(Value.Check(PostConfirmationEvent, fixture))
  const broken = { ...fixture, request: { userAttributes: { sub: 'x' } } }
  t.notOk(Value.Check(PostConfirmationEvent, broken))
})

t.test(
  'text bound for PostgreSQL refuses NUL (U+0000) at the schema, so it is a 400, not a driver error',
  async (t) => {
    const { Handle, SubParams } = await import('../src/index.js')
    t.ok(Value.Check(Handle, 'bayko'))
    t.notOk(Value.Check(Handle, 'bay\u0000ko'))
    t.notOk(Value.Check(SubParams, { sub: '\u0000' }))
    t.notOk(Value.Check(CreateMessageBody, { message: 'hi', handle: 'x\u0000' }))
    t.ok(Value.Check(CreateMessageBody, { message: 'a NUL \u0000 in a message is fine: DynamoDB stores it' }))
  },
)
