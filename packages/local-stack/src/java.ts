import { spawnSync } from 'node:child_process'

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs a Java runtime (17 or newer) and `java` was not found on PATH.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y default-jre-headless\n' +
        '  macOS:         brew install openjdk\n' +
        'Or run another DynamoDB engine and point DYNAMODB_ENDPOINT at it (e.g. http://localhost:8000).',
    )
    this.name = 'JavaMissingError'
  }
}

/** The java executable to use (JAVA_HOME first, like most Java tooling), or a clear error. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.JAVA_HOME ? [`${env.JAVA_HOME}/bin/java`, 'java'] : ['java']
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-version'], { stdio: 'ignore', env })
    if (probe.status === 0) return candidate
  }
  throw new JavaMissingError()
}
