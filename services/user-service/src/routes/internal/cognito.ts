import { badRequest, dependencyUnavailable, HttpError } from '@cruddur/service-kit'
import { ErrorBody, PostConfirmationEvent, SyncQuery, SyncReport } from '@cruddur/types'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { type CognitoUserRecord, cognitoUserPages, syncCognitoUsers } from '../../cognito/sync.js'
import { DISPLAY_NAME_RULE, HANDLE_RULE, isValidDisplayName, isValidHandle } from '../../directory/rules.js'
import { InternalHeaders } from './headers.js'

/** The event goes back exactly as it came (a Lambda trigger must return its event). */
const EchoedEvent = Type.Record(Type.String(), Type.Unknown(), {
  description: 'The PostConfirmation event, echoed unchanged',
})

/**
 * The pool's pages, with any failure to read them (network, throttling, credentials, unknown
 * pool) turned into a 503: the sync's own failures (Postgres) keep theirs.
 */
async function* poolPages(pages: AsyncIterable<CognitoUserRecord[]>): AsyncGenerator<CognitoUserRecord[]> {
  const iterator = pages[Symbol.asyncIterator]()
  for (;;) {
    let next: IteratorResult<CognitoUserRecord[]>
    try {
      next = await iterator.next()
    } catch (error) {
      throw dependencyUnavailable('Cognito', error)
    }
    if (next.done) return
    yield next.value
  }
}

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
      const dryRun = request.query.dry_run === true
      const report = await syncCognitoUsers({
        store: fastify.users,
        pages: poolPages(cognitoUserPages(fastify.cognito.client, fastify.cognito.userPoolId)),
        dryRun,
      })
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
      const event = request.body
      if (!event.triggerSource.startsWith('PostConfirmation_'))
        throw badRequest('invalid_trigger_source', `Not a PostConfirmation event: ${event.triggerSource}`)
      const a = event.request.userAttributes
      for (const field of ['name', 'preferred_username', 'email'] as const) {
        if (!a[field].trim()) throw badRequest(`invalid_${field}`, `userAttributes.${field} is blank`)
      }
      if (!/^[^\s@]+@[^\s@]+$/.test(a.email.trim()))
        throw badRequest('invalid_email', 'userAttributes.email is not an email address')
      const user = {
        display_name: a.name.trim(),
        handle: a.preferred_username.trim(),
        email: a.email.trim(),
        cognito_user_id: a.sub,
      }
      if (!isValidHandle(user.handle))
        throw badRequest('invalid_handle', `preferred_username: ${HANDLE_RULE}`)
      if (!isValidDisplayName(user.display_name))
        throw badRequest('invalid_display_name', `name: ${DISPLAY_NAME_RULE}`)
      const attributes = a as Record<string, unknown>
      const outcome = await fastify.users.confirmCognitoUser(user, {
        email: user.email,
        emailVerified: attributes.email_verified === 'true' || attributes.email_verified === true,
        status:
          typeof attributes['cognito:user_status'] === 'string' ? attributes['cognito:user_status'] : null,
        // Cognito confirms only enabled users, and the event carries no Enabled flag.
        enabled: true,
      })
      if (outcome.kind === 'conflict')
        throw new HttpError(
          409,
          outcome.reason ? [outcome.code, outcome.reason] : [outcome.code],
          outcome.detail,
        )
      request.log.info({ handle: outcome.user.handle, outcome: outcome.kind }, 'post-confirmation')
      return event
    },
  )
}

export default internalCognitoRoutes
