export * from './common.js'
export * from './errors.js'
export * from './messages.js'
export * from './users.js'
