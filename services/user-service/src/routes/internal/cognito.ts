import { ErrorBody, PostConfirmationEvent, SyncQuery, SyncReport } from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { InternalHeaders } from './headers.js'

/** The event goes back exactly as it came (a Lambda trigger must return its event). */
const EchoedEvent = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The PostConfirmation event, echoed unchanged',
})

const internalCognitoRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post(
    '/cognito/sync',
    {
      schema: {
        tags: ['internal'],
        summary: 'Bring the user directory in step with the Cognito pool (every page)',
        headers: InternalHeaders,
        querystring: SyncQuery,
        response: { 200: SyncReport, 400: ErrorBody, 401: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const report = await fastify.directory.sync({ dryRun: request.query.dry_run === true })
      const { orphans, conflictDetails, ...counts } = report
      request.log.info({ ...counts, conflicts: conflictDetails }, 'cognito sync done')
      return report
    },
  )

  fastify.post(
    '/cognito/post-confirmation',
    {
      schema: {
        tags: ['internal'],
        summary: 'Cognito PostConfirmation trigger: insert the confirmed user (idempotent)',
        description:
          'Takes the event exactly as Cognito hands it to a Lambda, so a thin Lambda adapter can forward it. ' +
          'A repeat answers 200; a handle, email or sub that belongs to another user is a 409.',
        headers: InternalHeaders,
        body: PostConfirmationEvent,
        response: { 200: EchoedEvent, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody, 503: ErrorBody },
      },
    },
    async (request) => {
      const outcome = await fastify.directory.signUp(request.body)
      request.log.info({ handle: outcome.user.handle, outcome: outcome.kind }, 'post-confirmation')
      return request.body
    },
  )
}

export default internalCognitoRoutes
