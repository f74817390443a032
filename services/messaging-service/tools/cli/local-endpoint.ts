import { COMPOSE_ENGINE_HOSTS, isLocalEndpoint } from '@cruddur/service-kit'

/**
 * The guard of the destructive and whole-table commands (ddb:drop, ddb:scan): only DynamoDB
 * Local on this machine (loopback) or on the compose network (its service name) counts as
 * local; anything else, real AWS included, needs --force.
 */
export const isLocalDynamoEndpoint = (endpoint: string | undefined) =>
  isLocalEndpoint(endpoint, [COMPOSE_ENGINE_HOSTS.dynamodb])
