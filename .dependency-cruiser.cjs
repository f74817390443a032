/**
 * The layering check (`pnpm lint` runs it): each rule is one arrow the code may not draw. The
 * rules are written for every service (`services/<name>/`), so they hold for the ones that come.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'routes-no-drivers',
      comment:
        'Routes reach engines only through the domain module: no database driver, AWS SDK, Redis or HTTP client.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/routes/' },
      to: { path: '(^|/)node_modules/(@aws-sdk/|postgres/|pg/|ioredis/|@fastify/redis/|redis/|undici/)' },
    },
    {
      name: 'routes-through-the-door',
      comment:
        'Routes import other routes, plugins, the config and a domain module by its door (its index.ts), ' +
        'never a module behind it (access patterns, keys, repositories, clients).',
      severity: 'error',
      from: {
        path: '^services/([^/]+)/src/routes/',
        // user-service's internal routes still reach the Cognito sync directly; its restructuring
        // (one door per layer) removes this exception.
        pathNot: '^services/user-service/src/routes/internal/cognito\\.ts$',
      },
      to: {
        path: '^services/$1/src/',
        pathNot: '^services/$1/src/(routes/|plugins/|config\\.ts$|[^/]+/index\\.ts$)',
      },
    },
    {
      name: 'routes-no-engine-modules',
      comment: 'Not even the index of an engine-level folder: routes see the domain, not the engine.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/routes/' },
      to: { path: '^services/$1/src/(ddb|db|dynamodb|postgres|redis|repositories|clients)/' },
    },
    {
      name: 'packages-are-libraries',
      comment: 'packages/* are libraries the services use: nothing in them depends on a service or a tool.',
      severity: 'error',
      from: { path: '^packages/' },
      // By path once resolved, by name when a package could not even resolve it (not a dependency).
      to: { path: '^(services|tools)/|^@cruddur/([a-z-]+-service|gateway|bench)(/|$)' },
    },
    {
      name: 'production-code-no-tools',
      comment:
        'src/ holds what runs in production; tools (CLIs, seeds, setup hooks, the bench) sit beside it.',
      severity: 'error',
      from: { path: '^(services|packages)/[^/]+/src/' },
      to: { path: '^(services/[^/]+/tools/|tools/)' },
    },
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
