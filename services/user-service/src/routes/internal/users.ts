import {
  ErrorBody,
  HandleParams,
  InternalUser,
  SubParams,
  UsersByUuidsBody,
  UsersByUuidsResponse,
} from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { InternalHeaders } from './headers.js'

/** Lookups for messaging-service. The parent plugin checks x-internal-token first. */
const internalUsersRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 503: ErrorBody }

  fastify.get(
    '/users/by-sub/:sub',
    {
      schema: {
        tags: ['internal'],
        summary: 'The user with this Cognito sub',
        headers: InternalHeaders,
        params: SubParams,
        response: { 200: InternalUser, ...errors },
      },
    },
    async (request) => fastify.directory.internalBySub(request.params.sub),
  )

  fastify.get(
    '/users/by-handle/:handle',
    {
      schema: {
        tags: ['internal'],
        summary: 'The user with this handle (case-insensitive)',
        headers: InternalHeaders,
        params: HandleParams,
        response: { 200: InternalUser, ...errors },
      },
    },
    async (request) => fastify.directory.internalByHandle(request.params.handle),
  )

  fastify.post(
    '/users/batch',
    {
      schema: {
        tags: ['internal'],
        summary: 'Several users by uuid in one call (unknown uuids are simply absent)',
        headers: InternalHeaders,
        body: UsersByUuidsBody,
        response: { 200: UsersByUuidsResponse, 400: ErrorBody, 401: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => ({ users: await fastify.directory.internalByUuids(request.body.uuids) }),
  )
}

export default internalUsersRoutes
