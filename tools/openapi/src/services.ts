import type { FastifyInstance } from 'fastify'

/** A service whose public description we publish: how to build its app without any engine. */
type AppPlugin = (fastify: FastifyInstance, opts: { env: Record<string, string> }) => Promise<void>

export interface DescribedService {
  name: string
  load: () => Promise<{ default: AppPlugin }>
  /** What its config schema requires. Loopback endpoints: nothing is contacted, no secret is real. */
  env: Record<string, string>
}

/**
 * By a specifier held in a variable, so TypeScript does not load both services' sources into
 * one program (each augments FastifyInstance['config'] with its own config type).
 */
const loadApp = (specifier: string) => () => import(specifier) as Promise<{ default: AppPlugin }>

const common = {
  LOG_LEVEL: 'silent',
  AWS_REGION: 'us-east-1',
  COGNITO_USER_POOL_ID: 'us-east-1_Describe1',
  COGNITO_CLIENT_ID: 'describe-only-client',
  INTERNAL_TOKEN: 'describe-only-internal-token-0123456789',
  FRONTEND_URL: 'http://localhost:3000',
}

export const SERVICES: DescribedService[] = [
  {
    name: 'gateway',
    load: loadApp('@cruddur/gateway/app'),
    env: {
      ...common,
      USER_SERVICE_URL: 'http://127.0.0.1:4001',
      MESSAGING_SERVICE_URL: 'http://127.0.0.1:4002',
    },
  },
  {
    name: 'messaging-service',
    load: loadApp('@cruddur/messaging-service/app'),
    env: {
      ...common,
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
      COGNITO_JWKS_URL: 'http://127.0.0.1:9229/us-east-1_Describe1/.well-known/jwks.json',
      USER_SERVICE_URL: 'http://127.0.0.1:4001',
      CURSOR_SECRET: 'describe-only-cursor-secret-0123456789',
    },
  },
]
