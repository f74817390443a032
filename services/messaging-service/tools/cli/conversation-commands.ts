import { GSI_BY_USER } from '@cruddur/dynamodb'
import { getConversationItems, listConversations } from '@cruddur/messaging-service/conversations'
import { createUserServiceClient } from '@cruddur/messaging-service/user-service-client'
import { type Command, type Context, positional, printCost } from './command.js'
import { DirectoryConfigSchema, readConfig } from './config.js'
import { seedDemoConversation } from './demo-conversation.js'

const DEMO_PAIR = ['andrewbrown', 'bayko'] as const

/** user-service, configured through the server's schema (USER_SERVICE_URL, INTERNAL_TOKEN). */
function directory(ctx: Context) {
  const config = readConfig(DirectoryConfigSchema, ctx.io.env)
  return createUserServiceClient({
    baseUrl: config.USER_SERVICE_URL,
    internalToken: config.INTERNAL_TOKEN,
    cacheTtlMs: 0,
  })
}

/** The commands that read or write conversations, through the domain module. */
export const conversationCommands: Record<string, Command> = {
  'ddb:seed': {
    summary: `Seed a demo conversation of ~100 messages between ${DEMO_PAIR.join(' and ')} across a New Year`,
    usage: 'ddb:seed',
    help:
      `Resolves ${DEMO_PAIR.join(' and ')} through user-service (USER_SERVICE_URL, INTERNAL_TOKEN) and writes\n` +
      '100 messages, one a minute, half before and half after the most recent New Year. Re-running\n' +
      'finds the existing conversation and adds nothing.',
    async run(_args, ctx) {
      const people = directory(ctx)
      const [a, b] = await Promise.all(DEMO_PAIR.map((h) => people.byHandle(h)))
      if (!a || !b) {
        ctx.io.err(
          `the demo users ${DEMO_PAIR.join(', ')} are not in user-service yet (run its db:seed / cognito:sync first)`,
        )
        return 1
      }
      const result = await seedDemoConversation(ctx.doc(), ctx.config.DDB_MESSAGE_TABLE, { a, b })
      ctx.io.out(
        result.created
          ? `seeded conversation ${result.conversationUuid}: ${result.messages} messages between @${a.handle} and @${b.handle}, ${result.first} .. ${result.last}`
          : `conversation ${result.conversationUuid} between @${a.handle} and @${b.handle} exists already (${result.messages} messages), nothing added`,
      )
      return 0
    },
  },
  'ddb:get-conversation': {
    summary: 'Print every item of one conversation and the consumed capacity',
    usage: 'ddb:get-conversation <message_group_uuid>',
    help: 'Queries the conversation partition (messages oldest first, then the two member entries).',
    async run(args, ctx) {
      const [uuid] = positional(args)
      if (!uuid || !/^[0-9a-f-]{36}$/i.test(uuid)) {
        ctx.io.err(`usage: ${this.usage}`)
        return 2
      }
      const { items, cost } = await getConversationItems(
        ctx.doc(),
        ctx.config.DDB_MESSAGE_TABLE,
        uuid.toLowerCase(),
      )
      for (const item of items) ctx.io.out(JSON.stringify(item))
      ctx.io.out(`${items.length} item(s)`)
      printCost(ctx.io, cost)
      return items.length === 0 ? 1 : 0
    },
  },
  'ddb:list-conversations': {
    summary: "Print a user's conversations (pattern B) and the consumed capacity",
    usage: 'ddb:list-conversations <handle> [--limit N]',
    help: `Resolves the handle through user-service, then runs pattern B (one Query on ${GSI_BY_USER}).`,
    async run(args, ctx) {
      const [handle] = positional(args)
      const limitAt = args.indexOf('--limit')
      const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : 20
      if (!handle || !Number.isInteger(limit) || limit < 1 || limit > 100) {
        ctx.io.err(`usage: ${this.usage} (limit 1-100)`)
        return 2
      }
      const user = await directory(ctx).byHandle(handle.replace(/^@/, ''))
      if (!user) {
        ctx.io.err(`no user with the handle @${handle}`)
        return 1
      }
      const page = await listConversations(ctx.doc(), ctx.config.DDB_MESSAGE_TABLE, {
        user: user.uuid,
        limit,
      })
      for (const c of page.conversations) ctx.io.out(JSON.stringify(c))
      ctx.io.out(
        `${page.conversations.length} conversation(s) of @${user.handle}${page.next ? ' (more exist)' : ''}`,
      )
      printCost(ctx.io, page.cost)
      return 0
    },
  },
}
