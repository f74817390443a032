export * from './billing.js'
export * from './client.js'
export * from './outage.js'
export * from './table.js'
