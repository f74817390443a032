/**
 * The local stack's setup hook (run by `pnpm start` before the service starts, with the
 * service's env plus CRUDDUR_STACK): database, migrations, demo users in Postgres and in
 * cognito-local, then the sync, so the demo users are fully linked. Safe to re-run.
 */
import { environment } from '@cruddur/service-kit'
import { cognitoClient } from '@cruddur/user-service/directory'
import { runCli } from './cli/commands.js'
import { ensureCognitoUser } from './demo-users.js'
import { DEMO_USERS } from './seed.js'

const env = environment() as Record<string, string | undefined>
const io = { env, out: (line: string) => console.log(line), err: (line: string) => console.error(line) }

async function main(): Promise<number> {
  let facts: { demoPassword?: string; demoUsers?: string[] } = {}
  try {
    facts = JSON.parse(env.CRUDDUR_STACK || '{}')
  } catch {
    console.error('CRUDDUR_STACK is not valid JSON')
    return 1
  }
  if (!facts.demoPassword) {
    console.error(
      'CRUDDUR_STACK (the stack facts, with demoPassword) is not set: run me through `pnpm start`',
    )
    return 1
  }
  for (const step of ['db:create', 'db:migrate', 'db:seed']) {
    const code = await runCli([step], io)
    if (code !== 0) return code
  }
  const userPoolId = env.COGNITO_USER_POOL_ID ?? ''
  const client = cognitoClient({
    AWS_REGION: env.AWS_REGION || 'us-east-1',
    COGNITO_ENDPOINT: env.COGNITO_ENDPOINT,
  })
  try {
    const wanted = new Set(facts.demoUsers ?? DEMO_USERS.map((u) => u.handle))
    for (const user of DEMO_USERS.filter((u) => wanted.has(u.handle))) {
      const created = await ensureCognitoUser(client, userPoolId, user, facts.demoPassword)
      console.log(
        created ? `created Cognito user ${user.handle}` : `Cognito user ${user.handle} exists already`,
      )
    }
  } finally {
    client.destroy()
  }
  return runCli(['cognito:sync'], io)
}

process.exitCode = await main()
