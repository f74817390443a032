// Where the built page lives, for the gateway to serve with @fastify/static. Plain JS on purpose:
// a Node process imports it without building or bundling anything of the page itself.
import { fileURLToPath } from 'node:url'

export const webRoot = fileURLToPath(new URL('./dist/', import.meta.url))
