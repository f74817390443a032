import { commonConfigProperties } from '@cruddur/service-kit'
import { type Static, Type } from 'typebox'

/** user-service configuration (README: Configuration), validated at start by @fastify/env. */
export const ConfigSchema = Type.Object({
  ...commonConfigProperties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4001 }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
})
export type Config = Static<typeof ConfigSchema>
