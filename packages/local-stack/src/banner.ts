import path from 'node:path'
import { demoToken, formatLifetime } from './demo-token.js'
import type { StackFacts } from './facts.js'
import { stackJsonPath } from './paths.js'

/** What `pnpm start` prints once everything answers: where it all listens, and a curl to try. */
export async function banner(
  facts: StackFacts,
  root: string,
  startedMs: number,
  notes: string[] = [],
): Promise<string> {
  const lines = [
    '',
    `Cruddur messaging is up (${(startedMs / 1000).toFixed(1)} s):`,
    `  gateway            ${facts.gateway.url}   the one URL you need (browsers, the web client, curl)`,
    `  web page           ${facts.gateway.url}/   open it in a browser and sign in (demo accounts listed there)`,
    `  user-service       ${facts.userService.url}   (docs: ${facts.userService.url}/docs)`,
    `  messaging-service  ${facts.messagingService.url}   (docs: ${facts.messagingService.url}/docs)`,
    `  PostgreSQL         ${facts.postgres.url}`,
    `  DynamoDB Local     ${facts.dynamodb.endpoint}  table ${facts.dynamodb.table}`,
    `  cognito-local      ${facts.cognito.endpoint}  pool ${facts.cognito.userPoolId}  client ${facts.cognito.clientId}`,
    `  facts as JSON      ${path.relative(process.cwd(), stackJsonPath(root)) || stackJsonPath(root)}`,
    '',
    'Sign-up works here: the confirmation code cognito-local would have e-mailed is printed as',
    '`confirmation code for <e-mail>: <code>`; confirming runs the PostConfirmation Lambda handler.',
  ]
  if (notes.length > 0) lines.push('', ...notes)
  const demo = facts.demoUsers[0]
  if (demo) {
    try {
      const token = await demoToken(facts, demo)
      const lifetime = formatLifetime(token.expiresAt.getTime() - Date.now())
      lines.push(
        '',
        `Try it as @${demo} (token valid for ${lifetime}; \`pnpm demo-token ${demo}\` prints a fresh one):`,
        `  curl -s -H "Authorization: Bearer ${token.accessToken}" ${facts.gateway.url}/api/message_groups`,
      )
    } catch (error) {
      lines.push('', `(no demo token: ${error instanceof Error ? error.message : String(error)})`)
    }
  }
  lines.push('', 'Press Ctrl-C to stop everything.')
  return lines.join('\n')
}
