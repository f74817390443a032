import { randomBytes } from 'node:crypto'
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb'
import { TTL_ATTRIBUTE } from '@cruddur/dynamodb'

/** How long a stream ticket is good for: long enough to open an EventSource, short enough to be useless in a log. */
export const TICKET_LIFETIME_MS = 30_000

export interface Ticket {
  ticket: string
  expires_at: string
}

interface TicketRecord {
  pk: string
  sk: string
  kind: 'ticket'
  sub: string
  expires_ms: number
  expires_at: number
}

const ticketPk = (ticket: string) => `TICKET#${ticket}`
const TICKET_SK = 'TICKET'
/** 32 random bytes, base64url: what `issue` makes, and the only shape `redeem` looks up. */
const TICKET_SHAPE = /^[A-Za-z0-9_-]{43}$/

/**
 * Single-use stream tickets for EventSource (which cannot send an Authorization header), kept
 * in the table so any instance can redeem one another issued. Redeeming deletes the ticket in
 * the same request that reads it (a conditional DeleteItem returning the old item): a second
 * use finds nothing, however close the two attempts are.
 */
export function createTickets(deps: { doc: DynamoDBDocumentClient; table: string; now?: () => number }) {
  const now = deps.now ?? Date.now
  return {
    /** A ticket bound to the caller's Cognito sub. */
    async issue(sub: string): Promise<Ticket> {
      const ticket = randomBytes(32).toString('base64url')
      const expiresMs = now() + TICKET_LIFETIME_MS
      const record: TicketRecord = {
        pk: ticketPk(ticket),
        sk: TICKET_SK,
        kind: 'ticket',
        sub,
        expires_ms: expiresMs,
        [TTL_ATTRIBUTE]: Math.ceil(expiresMs / 1000) + 60,
      }
      await deps.doc.send(new PutCommand({ TableName: deps.table, Item: record }))
      return { ticket, expires_at: new Date(expiresMs).toISOString() }
    },
    /** The sub a ticket was issued to, once; undefined when unknown, used or expired. */
    async redeem(ticket: string): Promise<string | undefined> {
      if (!TICKET_SHAPE.test(ticket)) return undefined
      try {
        const out = await deps.doc.send(
          new DeleteCommand({
            TableName: deps.table,
            Key: { pk: ticketPk(ticket), sk: TICKET_SK },
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValues: 'ALL_OLD',
          }),
        )
        const record = out.Attributes as TicketRecord | undefined
        return record && record.expires_ms > now() ? record.sub : undefined
      } catch (err) {
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return undefined
        throw err
      }
    },
  }
}

export type Tickets = ReturnType<typeof createTickets>
