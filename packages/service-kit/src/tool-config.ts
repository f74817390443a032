import envSchema from 'env-schema'
import type { Static, TObject } from 'typebox'

/** A variable of the environment that is missing or fails the service's schema. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly variables: string[],
  ) {
    super(message)
    this.name = 'ConfigError'
  }
}

interface SchemaError {
  keyword: string
  instancePath: string
  params: { missingProperty?: string; pattern?: string }
  message?: string
}

/** "X is not set" or "X must match ...", one clause a variable; `hints` say what a value looks like. */
function describe(
  error: SchemaError,
  env: Record<string, string | undefined>,
  hints: Record<string, string>,
) {
  const name = error.params.missingProperty ?? error.instancePath.replace(/^\//, '')
  const hint = hints[name] ? ` (${hints[name]})` : ''
  // `VAR= command` reads as "unset" to a person, whatever rule the empty string breaks.
  const unset = error.keyword === 'required' || env[name] === ''
  const what = unset ? 'is not set' : (error.message ?? 'is invalid')
  return { name, text: `${name} ${what}${hint}` }
}

/**
 * The environment validated exactly as the server validates it (the same schema, through
 * env-schema, which @fastify/env wraps), for the tools beside a service: a bad or missing value
 * throws a ConfigError whose one-line message names every variable at fault.
 */
export function readToolConfig<S extends TObject>(
  schema: S,
  env: Record<string, string | undefined>,
  hints: Record<string, string> = {},
): Static<S> {
  try {
    return envSchema({ schema, data: env, dotenv: false }) as Static<S>
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors
    if (!errors) throw error
    // One clause a variable: an empty value may break several rules of one schema.
    const faults = [...new Map(errors.map((e) => describe(e, env, hints)).map((f) => [f.name, f])).values()]
    throw new ConfigError(
      faults.map((f) => f.text).join('; '),
      faults.map((f) => f.name),
    )
  }
}
