import { Type } from 'typebox'

/** Documents the service token; the check itself runs earlier, in an onRequest hook (401). */
export const InternalHeaders = Type.Object({
  'x-internal-token': Type.Optional(Type.String({ description: 'INTERNAL_TOKEN, shared by the services' })),
  'x-request-id': Type.Optional(Type.String({ description: 'forwarded by the caller, for the logs' })),
})
