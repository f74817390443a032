import { readToolConfig } from '@cruddur/service-kit'
import { ConfigSchema } from '@cruddur/user-service/config'
import { type Static, Type } from 'typebox'

/** What a command needs: the database, the Cognito pool, or both. */
export type Need = 'database' | 'cognito'

/** The server's own schema, the variables of each need (so the CLI validates them as it does). */
const VARIABLES = {
  database: ['DATABASE_URL'],
  cognito: ['AWS_REGION', 'COGNITO_ENDPOINT', 'COGNITO_USER_POOL_ID'],
} as const

const CliConfigSchema = Type.Pick(ConfigSchema, [...VARIABLES.database, ...VARIABLES.cognito])
/** The variables a command may read; those of its needs are validated before it runs. */
export type CliConfig = Static<typeof CliConfigSchema>

/** What a value looks like, in the error that says it is missing or wrong. */
const HINTS = {
  DATABASE_URL: 'postgres://user:password@host:port/database',
  COGNITO_ENDPOINT: 'unset = real AWS',
}

/** How `--help` lists the environment of each need. */
export const ENV_NEEDS: Record<Need, string> = {
  database: 'DATABASE_URL',
  cognito: 'COGNITO_USER_POOL_ID, AWS_REGION, COGNITO_ENDPOINT (unset = real AWS)',
}

/**
 * The environment of a command's needs, validated by the server's schema: a missing or invalid
 * variable throws a ConfigError naming it. Variables of other needs are not read.
 */
export function readConfig(needs: readonly Need[], env: Record<string, string | undefined>): CliConfig {
  const keys = needs.flatMap((n) => VARIABLES[n])
  return readToolConfig(Type.Pick(ConfigSchema, keys), env, HINTS) as CliConfig
}
