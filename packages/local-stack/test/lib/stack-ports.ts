import { freePort } from '../../src/ports.js'

/** A free port for each of the stack's port settings, by their variable names. */
export async function freeStackPorts() {
  return {
    GATEWAY_PORT: await freePort(),
    USER_SERVICE_PORT: await freePort(),
    MESSAGING_SERVICE_PORT: await freePort(),
    POSTGRES_PORT: await freePort(),
    DYNAMODB_PORT: await freePort(),
    COGNITO_PORT: await freePort(),
  }
}

/** The same, as environment variables. */
export const portEnv = (ports: Record<string, number>) =>
  Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)]))
