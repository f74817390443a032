import { serviceApp } from '@cruddur/service-kit'
import cognitoPlugin from './plugins/cognito.js'
import configPlugin from './plugins/config.js'
import directoryPlugin from './plugins/directory.js'
import internalAuthPlugin from './plugins/internal-auth.js'
import postgresPlugin from './plugins/postgres.js'
import routes from './routes/index.js'

/** The user-service as a plugin: it never listens (server.ts does), so tests `inject` into it. */
export default serviceApp({
  config: configPlugin,
  openapi: {
    title: 'Cruddur user-service',
    description: 'The user directory (PostgreSQL), kept in step with the Cognito user pool.',
    version: '0.1.0',
  },
  plugins: [postgresPlugin, cognitoPlugin, directoryPlugin, internalAuthPlugin, routes],
})
