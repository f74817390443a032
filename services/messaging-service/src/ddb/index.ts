/** The DynamoDB access patterns, for the service, the CLI and the benchmark package. */
export * from './cost.js'
export * from './cursor.js'
export * from './errors.js'
export * from './keys.js'
export * from './patterns.js'
export * from './seed.js'
export * from './table.js'
