import { chmod, lstat, mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * `.local/` holds the internal token, the demo password, the DynamoDB data file and
 * cognito-local's pool file (plaintext passwords, refresh tokens): it is 0700, and nothing in it
 * is readable by group or others. A folder left by an older run (0755 / 0644) is fixed, and
 * that is said once. Symlinks are left alone (never followed). Returns what was fixed.
 */
export async function securePrivateDir(
  dir: string,
  print: (line: string) => void = () => {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const fixed: string[] = []
  const walk = async (entry: string) => {
    const st = await lstat(entry)
    if (st.isSymbolicLink()) return
    if ((st.mode & 0o077) !== 0) {
      await chmod(entry, st.mode & 0o7700)
      fixed.push(entry)
    }
    if (st.isDirectory()) for (const name of await readdir(entry)) await walk(path.join(entry, name))
  }
  await walk(dir)
  if (fixed.length > 0) {
    const shown = fixed.slice(0, 5).map((file) => path.relative(path.dirname(dir), file) || file)
    const more = fixed.length > 5 ? ` and ${fixed.length - 5} more` : ''
    print(
      `made ${fixed.length} item(s) under ${dir} private to their owner (folders 0700, files 0600): ${shown.join(', ')}${more}`,
    )
  }
  return fixed
}

/** Writes a file only its owner can read, also when it already existed with a wider mode. */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 })
  await chmod(file, 0o600)
}
