/**
 * DynamoDB's billing rules, as AWS documents them, for items we can see:
 * - item size = UTF-8 bytes of every attribute name plus its value; numbers take about one byte per
 *   two significant digits plus one; lists/maps 3 bytes plus 1 byte per element; null/bool 1 byte;
 * - a standard write costs 1 WCU per started KB of the item (the larger of old and new image),
 *   a transactional write 2 WCU per started KB;
 * - every GSI the item appears in costs one more write per change of its entry (an entry is the
 *   projected attributes plus 100 bytes), two when the index key changes (delete + put);
 * - reads cost 1 RCU per started 4 KB (strongly consistent), half that eventually consistent,
 *   twice that in a transaction; a Query sums the sizes of the items it reads before rounding.
 * DynamoDB Local reports capacity but not the transactional doubling; `billedFromEngine` adds it.
 */
import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb'

export const GSI_ENTRY_OVERHEAD_BYTES = 100

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8')

export function numberSize(n: string): number {
  const digits = n
    .replace(/^[+-]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '')
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1
}

export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S)
  if (value.N !== undefined) return numberSize(value.N)
  if (value.B !== undefined) return value.B.byteLength
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1
  if (value.SS !== undefined) return value.SS.reduce((a, s) => a + utf8(s), 0)
  if (value.NS !== undefined) return value.NS.reduce((a, n) => a + numberSize(n), 0)
  if (value.BS !== undefined) return value.BS.reduce((a, b) => a + b.byteLength, 0)
  if (value.L !== undefined) return 3 + value.L.reduce((a, v) => a + attributeValueSize(v) + 1, 0)
  if (value.M !== undefined)
    return 3 + Object.entries(value.M).reduce((a, [k, v]) => a + utf8(k) + attributeValueSize(v) + 1, 0)
  throw new Error(`unknown attribute value type: ${Object.keys(value).join(',')}`)
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((a, [name, value]) => a + utf8(name) + attributeValueSize(value), 0)
}

/** WCUs of one item write (put, delete or update) of `sizeBytes` (0-byte deletes still cost 1). */
export function writeUnits(sizeBytes: number, { transactional = false } = {}): number {
  return Math.max(1, Math.ceil(sizeBytes / 1024)) * (transactional ? 2 : 1)
}

/** RCUs of a read of `totalBytes` (one GetItem, or the summed items of one Query page). */
export function readUnits(totalBytes: number, { consistent = false, transactional = false } = {}): number {
  const units = Math.max(1, Math.ceil(totalBytes / 4096))
  if (transactional) return units * 2
  return consistent ? units : units / 2
}

/** Size of an item's GSI entry when the index projects ALL attributes. */
export function gsiEntrySize(item: Record<string, AttributeValue>): number {
  return itemSize(item) + GSI_ENTRY_OVERHEAD_BYTES
}

/** What one SDK call consumed, as seen by the capacity meter. */
export interface CallRecord {
  command: string
  consumed: ConsumedCapacity[]
}

export interface CapacityTotals {
  requests: number
  read: number
  write: number
  /** Per table and per index name, read+write units together. */
  byTarget: Record<string, number>
}

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'DeleteItemCommand',
  'UpdateItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
])
const TRANSACTIONAL = new Set(['TransactWriteItemsCommand', 'TransactGetItemsCommand'])

/**
 * Sums what the engine reported. The engine reports `CapacityUnits` per table and index but not
 * always the read/write split, so the command decides which side a unit belongs to.
 * `billed: true` applies the transactional 2× that DynamoDB Local 3.x leaves out.
 */
export function sumCapacity(calls: readonly CallRecord[], { billed = false } = {}): CapacityTotals {
  const totals: CapacityTotals = { requests: calls.length, read: 0, write: 0, byTarget: {} }
  for (const call of calls) {
    const factor = billed && TRANSACTIONAL.has(call.command) ? 2 : 1
    const isWrite = WRITE_COMMANDS.has(call.command)
    for (const c of call.consumed) {
      const units = (c.CapacityUnits ?? 0) * factor
      if (isWrite) totals.write += units
      else totals.read += units
      const table = c.TableName ?? '?'
      const tableUnits = c.Table?.CapacityUnits
      const indexes = { ...(c.GlobalSecondaryIndexes ?? {}), ...(c.LocalSecondaryIndexes ?? {}) }
      const indexUnits = Object.values(indexes).reduce((a, i) => a + (i.CapacityUnits ?? 0), 0)
      // Without the INDEXES breakdown everything counts against the table.
      addTo(totals.byTarget, table, (tableUnits ?? (c.CapacityUnits ?? 0) - indexUnits) * factor)
      for (const [name, index] of Object.entries(indexes))
        addTo(totals.byTarget, `${table}/${name}`, (index.CapacityUnits ?? 0) * factor)
    }
  }
  totals.read = round4(totals.read)
  totals.write = round4(totals.write)
  return totals
}

function addTo(map: Record<string, number>, key: string, units: number) {
  map[key] = round4((map[key] ?? 0) + units)
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000

/** One index of a table, as DescribeTable tells it. */
export interface IndexDef {
  name: string
  keys: string[]
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'
  include: string[]
}

export interface TableDef {
  keys: string[]
  indexes: IndexDef[]
}

type Item = Record<string, AttributeValue>

const inIndex = (item: Item | undefined, index: IndexDef): item is Item =>
  !!item && index.keys.every((k) => item[k] !== undefined)

/** Size of an item's entry in an index: its keys, the table's keys, the projected attributes, +100 bytes. */
export function indexEntrySize(item: Item, table: TableDef, index: IndexDef): number {
  if (index.projection === 'ALL') return itemSize(item) + GSI_ENTRY_OVERHEAD_BYTES
  const names = new Set([
    ...table.keys,
    ...index.keys,
    ...(index.projection === 'INCLUDE' ? index.include : []),
  ])
  const projected = Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k)))
  return itemSize(projected) + GSI_ENTRY_OVERHEAD_BYTES
}

/**
 * What AWS bills for one item changed by a write, from the item before and after it:
 * the table write (the larger image, 2× inside a transaction), and per index one write for a new,
 * changed or removed entry, two when the entry's key changes (index upkeep is not transactional,
 * so it is billed as standard writes).
 */
export function billItemWrite(
  before: Item | undefined,
  after: Item | undefined,
  table: TableDef,
  { transactional = false } = {},
): { table: number; indexes: Record<string, number> } {
  const size = Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0)
  const indexes: Record<string, number> = {}
  for (const index of table.indexes) {
    const was = inIndex(before, index)
    const is = inIndex(after, index)
    let units = 0
    if (was && is) {
      const sameKey = index.keys.every((k) => JSON.stringify(before?.[k]) === JSON.stringify(after?.[k]))
      const entry = (i: Item) => indexEntrySize(i, table, index)
      if (!sameKey) units = writeUnits(entry(before)) + writeUnits(entry(after))
      else if (entry(before) !== entry(after) || JSON.stringify(before) !== JSON.stringify(after))
        units = writeUnits(Math.max(entry(before), entry(after)))
    } else if (is) units = writeUnits(indexEntrySize(after, table, index))
    else if (was) units = writeUnits(indexEntrySize(before, table, index))
    if (units > 0) indexes[index.name] = units
  }
  return { table: writeUnits(size, { transactional }), indexes }
}
