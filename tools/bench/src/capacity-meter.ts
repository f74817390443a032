import {
  type AttributeValue,
  type ConsumedCapacity,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb'
import { marshall } from '@aws-sdk/util-dynamodb'
import type { CallRecord, TableDef } from '@cruddur/dynamodb'

const SUPPORTS_CAPACITY = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
])

type Item = Record<string, AttributeValue>

const AV_TYPES = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'])
const isAttributeValue = (v: unknown) =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.keys(v).length === 1 &&
  AV_TYPES.has(Object.keys(v)[0] as string)

/** The meter runs before a DocumentClient marshals its input (that happens at serialize): marshal plain JS. */
function asItem(value: unknown): Item {
  const record = (value ?? {}) as Record<string, unknown>
  return Object.values(record).every(isAttributeValue)
    ? (record as Item)
    : marshall(record, { removeUndefinedValues: true, convertClassInstanceToMap: true })
}

/** One item a transaction touched, before and after it (read back with ConsistentRead). */
export interface ItemImages {
  table: string
  action: 'Put' | 'Update' | 'Delete' | 'ConditionCheck'
  before?: Item
  after?: Item
}

export interface MeteredCall extends CallRecord {
  /** The call was answered with an error (e.g. a cancelled transaction). */
  failed: boolean
  /** TransactWriteItems only, when the meter reads images. */
  images?: ItemImages[]
}

export interface CapacityMeter {
  /** Every call since the last `take()`, in order. */
  take(): MeteredCall[]
  /** Key schema and indexes of a table (DescribeTable, cached). */
  tableDef(table: string): Promise<TableDef>
}

/**
 * SDK middleware that asks DynamoDB for ReturnConsumedCapacity=INDEXES on every call that
 * supports it and records what came back (also for calls made through a DynamoDBDocumentClient
 * built on this client: it runs after marshalling). With `images`, a second, unmetered client,
 * it also reads every item a TransactWriteItems touches before and after the call, so the bill
 * can be computed from item sizes: DynamoDB Local's capacity figures for transactions are not
 * AWS's (it reports 2 for one small Put and 2 for two).
 */
export function meterCapacity(
  client: DynamoDBClient,
  options: { images?: DynamoDBClient } = {},
): CapacityMeter {
  let calls: MeteredCall[] = []
  const defs = new Map<string, Promise<TableDef>>()
  const tableDef = (table: string): Promise<TableDef> => {
    const images = options.images
    if (!images) throw new Error('tableDef needs the images client')
    let def = defs.get(table)
    if (!def) {
      def = images.send(new DescribeTableCommand({ TableName: table })).then(({ Table }) => ({
        keys: (Table?.KeySchema ?? []).map((k) => k.AttributeName as string),
        indexes: (Table?.GlobalSecondaryIndexes ?? []).map((i) => ({
          name: i.IndexName as string,
          keys: (i.KeySchema ?? []).map((k) => k.AttributeName as string),
          projection: (i.Projection?.ProjectionType ?? 'ALL') as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
          include: i.Projection?.NonKeyAttributes ?? [],
        })),
      }))
      defs.set(table, def)
    }
    return def
  }
  const read = async (table: string, key: Item) =>
    (await options.images?.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true })))
      ?.Item

  const targets = async (items: TransactWriteItem[]) =>
    Promise.all(
      items.map(async (t) => {
        if (t.Put) {
          const def = await tableDef(t.Put.TableName as string)
          const item = asItem(t.Put.Item)
          const key = Object.fromEntries(def.keys.map((k) => [k, item[k] as AttributeValue]))
          return { table: t.Put.TableName as string, action: 'Put' as const, key }
        }
        const op = t.Update ?? t.Delete ?? t.ConditionCheck
        const action = t.Update
          ? ('Update' as const)
          : t.Delete
            ? ('Delete' as const)
            : ('ConditionCheck' as const)
        return { table: op?.TableName as string, action, key: asItem(op?.Key) }
      }),
    )

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown'
      const input = args.input as Record<string, unknown>
      const metered = SUPPORTS_CAPACITY.has(command)
      const snapshot = options.images && command === 'TransactWriteItemsCommand'
      const touched = snapshot ? await targets(input.TransactItems as TransactWriteItem[]) : []
      const before = await Promise.all(touched.map((t) => read(t.table, t.key)))
      const imagesAfter = async () => {
        if (!snapshot) return undefined
        const after = await Promise.all(touched.map((t) => read(t.table, t.key)))
        return touched.map(
          (t, i): ItemImages => ({
            table: t.table,
            action: t.action,
            ...(before[i] ? { before: before[i] } : {}),
            ...(after[i] ? { after: after[i] } : {}),
          }),
        )
      }
      try {
        const result = await next(
          metered ? { ...args, input: { ...input, ReturnConsumedCapacity: 'INDEXES' } } : args,
        )
        const out = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }
        const consumed = out.ConsumedCapacity
        const images = await imagesAfter()
        calls.push({
          command,
          failed: false,
          consumed: consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed],
          ...(images ? { images } : {}),
        })
        return result
      } catch (error) {
        const images = await imagesAfter()
        calls.push({ command, failed: true, consumed: [], ...(images ? { images } : {}) })
        throw error
      }
    },
    { step: 'initialize', name: 'benchCapacityMeter', priority: 'low' },
  )
  return {
    take() {
      const taken = calls
      calls = []
      return taken
    },
    tableDef,
  }
}
