import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb'

/** What an access pattern cost: the engine's ConsumedCapacity of every request, and how many requests. */
export interface Cost {
  consumed: ConsumedCapacity[]
  requests: number
}

export const emptyCost = (): Cost => ({ consumed: [], requests: 0 })

/** One request made, with what the engine says it consumed (nothing for a cancelled transaction). */
export function addCost(cost: Cost, consumed?: ConsumedCapacity | ConsumedCapacity[]) {
  cost.requests += 1
  if (Array.isArray(consumed)) cost.consumed.push(...consumed)
  else if (consumed) cost.consumed.push(consumed)
}
