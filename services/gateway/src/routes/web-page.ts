import { existsSync } from 'node:fs'
import path from 'node:path'
import { notFound } from '@cruddur/service-kit'
import { WebConfig } from '@cruddur/types'
import { webRoot as builtWebRoot } from '@cruddur/web'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { cognitoOrigin, contentSecurityPolicy, PAGE_HEADERS, webConfigOf } from '../web/index.js'

export interface WebPageOptions {
  /** The built page (index.html, assets/); default: `@cruddur/web`'s dist/. Tests point it elsewhere. */
  webRoot?: string
}

/** A year, the most `@fastify/send` allows: hashed names change whenever their content does. */
const ASSET_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000

/**
 * The web page (docs/gateway.md) at `/`: index.html revalidated on every visit (`no-cache`, with
 * its ETag), the hashed files under /assets/ cached for good (`immutable`), and
 * `/web-config.json` (`no-store`) from this gateway's config. The page routes in the URL's hash
 * (`#/c/<uuid>`), so no other path needs index.html: anything else is the ordinary 404.
 * Without a pool configured, or without a built page, the gateway still serves the API and `/`
 * answers a 404 that says why.
 */
export default async function webPageRoutes(fastify: FastifyInstance, opts: WebPageOptions) {
  const web = webConfigOf(fastify.config)
  const root = opts.webRoot ?? builtWebRoot
  const index = path.join(root, 'index.html')
  const missing = !web
    ? 'The web page is not configured on this gateway (COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID are unset)'
    : !existsSync(index)
      ? `The web page is not built (${index} is missing): run \`pnpm build\``
      : undefined
  if (missing || !web) {
    fastify.log.warn(`${missing}; serving the API only`)
    fastify.get('/', { schema: { hide: true } }, async () => {
      throw notFound('not_found', `${missing}.`)
    })
    return
  }

  const csp = contentSecurityPolicy(cognitoOrigin(web))
  // This plugin's own scope: the headers go on the page's responses, never on the API's.
  fastify.addHook('onSend', async (_request, reply) => {
    reply.headers(PAGE_HEADERS)
  })
  await fastify.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/assets/',
    maxAge: ASSET_MAX_AGE_MS,
    immutable: true,
    // One route per file found at start, no catch-all: nothing but the built files is reachable
    // (no directories, no listing); a rebuilt page needs a restart, as the new index.html does.
    wildcard: false,
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    serveDotFiles: false,
  })
  fastify.get('/', { schema: { hide: true } }, (_request, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', csp)
      .sendFile('index.html', root, { cacheControl: false }),
  )
  fastify.get(
    '/web-config.json',
    { schema: { hide: true, response: { 200: WebConfig } } },
    (_request, reply) => reply.header('cache-control', 'no-store').send(web),
  )
}
