import { type Static, Type } from 'typebox'

/**
 * `GET /web-config.json`: what the web page needs to know at run time, so one build runs against
 * cognito-local and real Cognito alike. The gateway serves it from its environment.
 */
export const WebConfig = Type.Object(
  {
    region: Type.String({ minLength: 1, description: 'AWS region of the user pool' }),
    userPoolId: Type.String({ pattern: '^[\\w-]+_[0-9a-zA-Z]+$', description: '<region>_<id>' }),
    clientId: Type.String({ minLength: 1, description: "The pool's app client for the web page" }),
    cognitoEndpoint: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description:
          'A local Cognito (cognito-local); set, the page signs in with USER_PASSWORD_AUTH (no SRP there). ' +
          'Unset: real Cognito in `region`, with SRP.',
      }),
    ),
    demo: Type.Optional(
      Type.Object(
        {
          password: Type.String({ minLength: 1, description: 'The shared password of the demo accounts' }),
          accounts: Type.Array(
            Type.Object(
              { handle: Type.String({ minLength: 1 }), email: Type.String({ minLength: 3 }) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false, description: 'Local stack only: listed on the sign-in page' },
      ),
    ),
  },
  { $id: 'WebConfig', additionalProperties: false },
)
export type WebConfig = Static<typeof WebConfig>
