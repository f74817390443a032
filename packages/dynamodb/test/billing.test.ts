import t from 'tap'
import {
  attributeValueSize,
  billItemWrite,
  type CallRecord,
  gsiEntrySize,
  type IndexDef,
  indexEntrySize,
  itemSize,
  numberSize,
  readUnits,
  sumCapacity,
  type TableDef,
  writeUnits,
} from '../src/billing.js'

t.test('item size follows the documented DynamoDB rules', async (t) => {
  t.equal(itemSize({ pk: { S: 'MSG#1' } }), 2 + 5, 'attribute name + UTF-8 value')
  t.equal(itemSize({ m: { S: 'héllo' } }), 1 + 6, 'é is two bytes in UTF-8')
  t.equal(numberSize('12345'), 4, '5 significant digits → 3 + 1')
  t.equal(numberSize('-0.0012300'), 3, 'leading and trailing zeros do not count')
  t.equal(attributeValueSize({ BOOL: true }), 1)
  t.equal(attributeValueSize({ NULL: true }), 1)
  t.equal(attributeValueSize({ L: [{ S: 'ab' }, { N: '1' }] }), 3 + (2 + 1) + (2 + 1))
  t.equal(attributeValueSize({ M: { a: { S: 'xy' } } }), 3 + 1 + 2 + 1)
  t.equal(attributeValueSize({ SS: ['a', 'bc'] }), 3)
  t.equal(attributeValueSize({ B: new Uint8Array(10) }), 10)
  t.throws(() => attributeValueSize({} as never), /unknown attribute value type/)
  t.equal(gsiEntrySize({ pk: { S: 'x' } }), 3 + 100, 'a GSI entry carries 100 bytes of overhead')
})

t.test('write and read units round up per KB / 4 KB', async (t) => {
  t.equal(writeUnits(0), 1, 'a delete of a tiny item still costs 1 WCU')
  t.equal(writeUnits(1024), 1)
  t.equal(writeUnits(1025), 2)
  t.equal(writeUnits(1025, { transactional: true }), 4, 'transactions cost twice')
  t.equal(readUnits(100), 0.5, 'eventually consistent reads cost half')
  t.equal(readUnits(4097, { consistent: true }), 2)
  t.equal(readUnits(100, { transactional: true }), 2)
})

t.test('sumCapacity splits reads and writes, and bills transactions twice', async (t) => {
  const calls: CallRecord[] = [
    {
      command: 'TransactWriteItemsCommand',
      consumed: [
        {
          TableName: 'tbl',
          CapacityUnits: 5,
          Table: { CapacityUnits: 3 },
          GlobalSecondaryIndexes: { gsi: { CapacityUnits: 2 } },
        },
      ],
    },
    { command: 'QueryCommand', consumed: [{ TableName: 'tbl', CapacityUnits: 0.5 }] },
    { command: 'PutItemCommand', consumed: [] },
  ]
  const engine = sumCapacity(calls)
  t.same(engine, { requests: 3, read: 0.5, write: 5, byTarget: { tbl: 3.5, 'tbl/gsi': 2 } })
  const billed = sumCapacity(calls, { billed: true })
  t.same(billed, { requests: 3, read: 0.5, write: 10, byTarget: { tbl: 6.5, 'tbl/gsi': 4 } })
})

t.test('billItemWrite prices the table write and each index entry change', async (t) => {
  const def: TableDef = {
    keys: ['pk', 'sk'],
    indexes: [{ name: 'gsi', keys: ['gpk', 'gsk'], projection: 'INCLUDE', include: ['text'] }],
  }
  const message = { pk: { S: 'C#1' }, sk: { S: 'M#1' }, text: { S: 'hi' } }
  t.same(
    billItemWrite(undefined, message, def, { transactional: true }),
    { table: 2, indexes: {} },
    'not in the index',
  )
  const entry = {
    pk: { S: 'C#1' },
    sk: { S: 'E#0' },
    gpk: { S: 'U#1' },
    gsk: { S: 'M#1' },
    text: { S: 'hi' },
  }
  t.same(billItemWrite(undefined, entry, def), { table: 1, indexes: { gsi: 1 } }, 'a new entry')
  const moved = { ...entry, gsk: { S: 'M#2' }, text: { S: 'again' } }
  t.same(
    billItemWrite(entry, moved, def, { transactional: true }),
    { table: 2, indexes: { gsi: 2 } },
    'key change = delete + put',
  )
  const retext = { ...entry, text: { S: 'edited' } }
  t.same(billItemWrite(entry, retext, def), { table: 1, indexes: { gsi: 1 } }, 'projected attribute change')
  t.same(billItemWrite(entry, entry, def), { table: 1, indexes: {} }, 'nothing changed in the index')
  t.same(
    billItemWrite(entry, undefined, def),
    { table: 1, indexes: { gsi: 1 } },
    'a delete removes the entry',
  )
  const all: TableDef = {
    keys: ['pk'],
    indexes: [{ name: 'g', keys: ['gpk'], projection: 'ALL', include: [] }],
  }
  t.equal(
    indexEntrySize({ pk: { S: 'a' }, gpk: { S: 'b' }, x: { S: 'c' } }, all, all.indexes[0] as IndexDef),
    9 + 100,
  )
  const keysOnly: TableDef = {
    keys: ['pk'],
    indexes: [{ name: 'g', keys: ['gpk'], projection: 'KEYS_ONLY', include: [] }],
  }
  t.equal(
    indexEntrySize(
      { pk: { S: 'a' }, gpk: { S: 'b' }, x: { S: 'c' } },
      keysOnly,
      keysOnly.indexes[0] as IndexDef,
    ),
    7 + 100,
  )
})
