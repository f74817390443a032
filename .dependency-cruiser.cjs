/**
 * The layering check (`pnpm lint` runs it): each rule is one arrow the code may not draw. The
 * rules are written for every service (`services/<name>/`), so they hold for the ones that come.
 * @type {import('dependency-cruiser').IConfiguration}
 */
/** One forbidden arrow: every rule here is an error. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to })

module.exports = {
  forbidden: [
    forbid(
      'routes-no-drivers',
      'Routes reach engines only through the domain module: no database driver, AWS SDK, Redis or HTTP client.',
      { path: '^services/[^/]+/src/routes/' },
      { path: '(^|/)node_modules/(@aws-sdk/|postgres/|pg/|ioredis/|@fastify/redis/|redis/|undici/)' },
    ),
    forbid(
      'routes-through-the-door',
      'Routes import other routes, plugins, the config and a domain module by its door (its index.ts), ' +
        'never a module behind it (access patterns, keys, repositories, clients).',
      { path: '^services/([^/]+)/src/routes/' },
      {
        path: '^services/$1/src/',
        pathNot: '^services/$1/src/(routes/|plugins/|config\\.ts$|[^/]+/index\\.ts$)',
      },
    ),
    forbid(
      'routes-no-engine-modules',
      'Not even the index of an engine-level folder: routes see the domain, not the engine.',
      { path: '^services/([^/]+)/src/routes/' },
      { path: '^services/$1/src/(ddb|db|dynamodb|postgres|redis|repositories|clients)/' },
    ),
    forbid(
      'packages-are-libraries',
      'packages/* are libraries the services use: nothing in them depends on a service or a tool.',
      { path: '^packages/' },
      // By path once resolved, by name when a package could not even resolve it (not a dependency).
      { path: '^(services|tools)/|^@cruddur/([a-z-]+-service|gateway|bench)(/|$)' },
    ),
    forbid(
      'production-code-no-tools',
      'src/ holds what runs in production; tools (CLIs, seeds, setup hooks, the bench) sit beside it.',
      { path: '^(services|packages)/[^/]+/src/' },
      { path: '^(services/[^/]+/tools/|tools/)' },
    ),
  ],
  options: {
    exclude: { path: '(^|/)(coverage|\\.tap|\\.turbo)/' },
    doNotFollow: { path: ['node_modules', '(^|/)dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'node', 'default'],
      // Workspace packages resolve by their `types` condition: to their source, not to dist/.
      extensions: ['.ts', '.js', '.d.ts', '.json'],
    },
  },
}
