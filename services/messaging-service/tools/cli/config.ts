import { ConfigSchema } from '@cruddur/messaging-service/config'
import { readToolConfig } from '@cruddur/service-kit'
import { type Static, Type } from 'typebox'

/** What every ddb:* command reads: the server's own schema, just the DynamoDB part. */
export const TableConfigSchema = Type.Pick(ConfigSchema, [
  'AWS_REGION',
  'DYNAMODB_ENDPOINT',
  'DDB_MESSAGE_TABLE',
])
export type TableConfig = Static<typeof TableConfigSchema>

/** What the commands that resolve people read besides: how to reach user-service. */
export const DirectoryConfigSchema = Type.Pick(ConfigSchema, ['USER_SERVICE_URL', 'INTERNAL_TOKEN'])
export type DirectoryConfig = Static<typeof DirectoryConfigSchema>

/** The environment validated exactly as the server validates it; a fault names the variable. */
export function readConfig<S extends typeof TableConfigSchema | typeof DirectoryConfigSchema>(
  schema: S,
  env: Record<string, string | undefined>,
): Static<S> {
  return readToolConfig(schema, env)
}
