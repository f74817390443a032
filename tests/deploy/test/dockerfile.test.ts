import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** The RUN lines of the build stage, joined, as the shell would run them. */
function runSteps(dockerfile: string): string[] {
  const text = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ')
  return text
    .split('\n')
    .filter((line) => line.startsWith('RUN '))
    .map((line) => line.slice(4).trim())
}

/**
 * The image starts from `COPY . .` of a clean checkout (.dockerignore drops node_modules and
 * build output). We do the same into a temp folder, so the build steps never relink the
 * node_modules of the workspace the other test suites are running from.
 */
function buildContext(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docker-context-'))
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  for (const file of files.stdout.split('\n').filter(Boolean)) {
    try {
      cpSync(path.join(root, file), path.join(dir, file))
    } catch {
      // listed but deleted in the working tree: not part of the context
    }
  }
  return dir
}

const context = buildContext()
t.teardown(() => rmSync(context, { recursive: true, force: true }))

const dockerfile = path.join(root, 'deploy', 'service.Dockerfile')

t.test('one Dockerfile: non-root, node as PID 1, never npm start, LOG_LEVEL set', async (t) => {
  const text = readFileSync(dockerfile, 'utf8')
  t.match(text, /^ARG SERVICE$/m, 'the service is a build argument')
  t.match(text, /^USER node$/m)
  t.match(text, /^CMD \["node", .*"dist\/server\.js"\]$/m)
  t.notMatch(text, /npm start|pnpm start/)
  t.match(text, /LOG_LEVEL=/, 'LOG_LEVEL set in the image')
  t.notMatch(text, /--chown=node/, 'the code is not owned by the user that runs it')
  for (const svc of ['user-service', 'messaging-service', 'gateway'])
    t.notOk(existsSync(path.join(root, 'services', svc, 'Dockerfile')), `no second Dockerfile in ${svc}`)
})

t.test('the build refuses a SERVICE that is not one', async (t) => {
  const check = (runSteps(dockerfile).find((s) => s.includes('pnpm install')) ?? '').split('&&')[0] ?? ''
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', check], {
    cwd: context,
    env: { ...process.env, SERVICE: 'no-such-service' },
  })
  t.not(run.status, 0, 'the first check fails before anything is installed')
})

for (const svc of ['user-service', 'messaging-service', 'gateway']) {
  t.test(`SERVICE=${svc}: the build steps work as plain shell and produce a runnable folder`, async (t) => {
    const steps = runSteps(dockerfile)
    const deploy = steps.find((s) => s.includes('pnpm install'))
    t.ok(deploy, 'the build stage installs, builds and deploys in one RUN')
    const out = mkdtempSync(path.join(os.tmpdir(), `deploy-${svc}-`))
    rmSync(out, { recursive: true })
    t.teardown(() => rmSync(out, { recursive: true, force: true }))
    // Offline: the package store is warm from the workspace install; CI reaches no other host.
    const script = (deploy as string)
      .replace(/\/out\b/g, out)
      .replace('pnpm install --frozen-lockfile', 'pnpm install --frozen-lockfile --offline')
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: context,
      encoding: 'utf8',
      // ARG SERVICE is an environment variable of the RUN step.
      env: { ...process.env, CI: 'true', SERVICE: svc },
    })
    t.equal(run.status, 0, `build steps succeed:\n${run.stderr.slice(-2000)}`)
    const pkg = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'))
    t.equal(pkg.name, `@cruddur/${svc}`)
    t.notOk(existsSync(path.join(out, 'node_modules', 'tap')), 'no dev dependencies')
    const start = spawnSync(
      process.execPath,
      ['-e', "import('./dist/app.js').then(() => console.log('loads'))"],
      {
        cwd: out,
        encoding: 'utf8',
      },
    )
    t.equal(
      start.stdout.trim(),
      'loads',
      `the deployed app loads with production deps only: ${start.stderr.slice(-500)}`,
    )
  })
}
