import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb'

/** A Query of one partition's items whose sort key starts with `prefix` (consumed capacity reported). */
export const prefixQuery = (
  table: string,
  pk: string,
  prefix: string,
  extra: Partial<QueryCommandInput> = {},
): QueryCommandInput => ({
  TableName: table,
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
  ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
  ReturnConsumedCapacity: 'INDEXES',
  ...extra,
})

/** A strongly consistent Query of one partition's items with `from` ≤ sort key ≤ `to`, oldest first. */
export const rangeQuery = (table: string, pk: string, from: string, to: string): QueryCommandInput => ({
  TableName: table,
  KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
  ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
  ConsistentRead: true,
})

/** Every item a Query matches, page after page. */
export async function queryAll<T>(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = []
  let after: Record<string, unknown> | undefined
  do {
    const out = await doc.send(new QueryCommand({ ...input, ...(after ? { ExclusiveStartKey: after } : {}) }))
    items.push(...((out.Items ?? []) as T[]))
    after = out.LastEvaluatedKey
  } while (after)
  return items
}
