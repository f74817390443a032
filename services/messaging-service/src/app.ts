import { serviceApp } from '@cruddur/service-kit'
import authPlugin from './plugins/auth.js'
import configPlugin from './plugins/config.js'
import conversationsPlugin from './plugins/conversations.js'
import dynamodbPlugin from './plugins/dynamodb.js'
import liveBusPlugin from './plugins/live-bus.js'
import sendRateLimitPlugin from './plugins/send-rate-limit.js'
import streamsPlugin from './plugins/streams.js'
import userServicePlugin from './plugins/user-service.js'
import apiRoutes from './routes/index.js'

/** The messaging-service as a plugin: it never listens (server.ts does), so tests `inject` into it. */
export default serviceApp({
  config: configPlugin,
  openapi: {
    title: 'Cruddur messaging-service',
    description: 'Conversations and messages on one DynamoDB table (single-table design).',
    version: '0.1.0',
  },
  plugins: [
    dynamodbPlugin,
    userServicePlugin,
    liveBusPlugin,
    conversationsPlugin,
    authPlugin,
    streamsPlugin,
    sendRateLimitPlugin,
    [apiRoutes, { prefix: '/api' }],
  ],
})
