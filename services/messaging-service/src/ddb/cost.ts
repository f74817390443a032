/**
 * AWS's billing rules, for figures DynamoDB Local does not report faithfully (Local 3.x sums a
 * transaction's item sizes before rounding, and does not double transactional writes).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8')
  if (typeof value === 'number') {
    const digits = String(Math.abs(value)).replace(/[.-]/g, '').replace(/^0+/, '').length
    return Math.ceil(digits / 2) + 1
  }
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueSize(v), 0)
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Record<string, unknown>).reduce(
        (s, [k, v]) => s + 1 + Buffer.byteLength(k, 'utf8') + valueSize(v),
        0,
      )
    )
  }
  return 0
}

/** An item's size as DynamoDB counts it: attribute names plus values. */
export function itemSize(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((s, [k, v]) => s + Buffer.byteLength(k, 'utf8') + valueSize(v), 0)
}

/** Write units of one item write: 1 per started KB, twice that inside a transaction. */
export const writeUnits = (item: Record<string, unknown>, transactional = false) =>
  Math.ceil(Math.max(itemSize(item), 1) / 1024) * (transactional ? 2 : 1)

/** An index entry: the table keys, the index keys and the projected attributes. */
export function indexEntry(item: Record<string, unknown>, attributes: string[]): Record<string, unknown> {
  return Object.fromEntries(attributes.filter((a) => a in item).map((a) => [a, item[a]]))
}
