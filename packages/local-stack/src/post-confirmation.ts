import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { StackFacts } from './facts.js'
import type { LambdaFunction } from './lambda-endpoint.js'
import { serviceEnv } from './service-env.js'
import { serviceDir } from './services.js'

/** The name cognito-local's PostConfirmation trigger invokes on the stack's Lambda endpoint. */
export const POST_CONFIRMATION_FUNCTION = 'cruddur-post-confirmation'

/** Where the user-service's build puts its Lambda adapter for Cognito's PostConfirmation trigger. */
export const postConfirmationModule = (root: string) =>
  path.join(serviceDir(root, 'user-service'), 'dist', 'lambda', 'post-confirmation.js')

type HandlerFactory = (env: Record<string, unknown>) => LambdaFunction

/**
 * The project's own PostConfirmation Lambda handler, run unchanged: loaded by path at the first
 * invocation (a package never imports a service), built with the user-service's environment
 * plus what the Lambda is given in AWS (USER_SERVICE_URL, INTERNAL_TOKEN).
 */
export function postConfirmationFunction(root: string, facts: StackFacts): LambdaFunction {
  let handler: Promise<LambdaFunction> | undefined
  const load = async () => {
    const file = postConfirmationModule(root)
    if (!existsSync(file))
      throw new Error(`the user-service's Lambda adapter is not built (${file}): run \`pnpm build\``)
    const mod = (await import(pathToFileURL(file).href)) as { createPostConfirmationHandler?: HandlerFactory }
    if (typeof mod.createPostConfirmationHandler !== 'function')
      throw new Error(`${file} does not export createPostConfirmationHandler(env)`)
    return mod.createPostConfirmationHandler({
      ...serviceEnv('user-service', facts),
      USER_SERVICE_URL: facts.userService.url,
    })
  }
  return async (event) => {
    handler ??= load()
    handler.catch(() => {
      handler = undefined
    })
    return (await handler)(event)
  }
}
