import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
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

for (const svc of ['user-service', 'messaging-service']) {
  t.test(`${svc} Dockerfile: non-root, node as PID 1, never npm start`, async (t) => {
    const text = readFileSync(path.join(root, 'services', svc, 'Dockerfile'), 'utf8')
    t.match(text, /^USER node$/m)
    t.match(text, /^CMD \["node", .*"dist\/server\.js"\]$/m)
    t.notMatch(text, /npm start|pnpm start/)
    t.match(text, /LOG_LEVEL=/, 'LOG_LEVEL set in the image')
  })

  t.test(
    `${svc} Dockerfile: its build steps work as plain shell and produce a runnable folder`,
    async (t) => {
      const steps = runSteps(path.join(root, 'services', svc, 'Dockerfile'))
      const deploy = steps.find((s) => s.includes('pnpm install'))
      t.ok(deploy, 'the build stage installs, builds and deploys in one RUN')
      const out = mkdtempSync(path.join(os.tmpdir(), `deploy-${svc}-`))
      rmSync(out, { recursive: true })
      t.teardown(() => rmSync(out, { recursive: true, force: true }))
      // The image builds from a clean copy; here the workspace is already installed and built,
      // so the same commands run offline against it (the lockfile must still match).
      const script = (deploy as string)
        .replace(/\/out\b/g, out)
        .replace('pnpm install --frozen-lockfile', 'pnpm install --frozen-lockfile --offline')
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, CI: 'true' },
      })
      t.equal(run.status, 0, `build steps succeed:\n${run.stderr.slice(-2000)}`)
      const pkg = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'))
      t.equal(pkg.name, `@cruddur/${svc}`)
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
    },
  )
}
