import { notFound } from '@cruddur/service-kit'
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
    async (request) => {
      const user = await fastify.users.findInternalBySub(request.params.sub)
      if (!user) throw notFound('user_not_found', 'No user with this Cognito sub')
      return user
    },
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
    async (request) => {
      const user = await fastify.users.findInternalByHandle(request.params.handle)
      if (!user) throw notFound('user_not_found', `No user with the handle @${request.params.handle}`)
      return user
    },
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
    async (request) => ({ users: await fastify.users.findInternalByUuids([...new Set(request.body.uuids)]) }),
  )
}

export default internalUsersRoutes
