import { spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface CountingProxy {
  endpoint: string
  counts(): Promise<Record<string, number>>
  reset(): Promise<void>
  stop(): Promise<void>
}

/** Starts counting-proxy-server.js in front of `target` and resolves once it listens. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'counting-proxy-server.js')
  const child = spawn(process.execPath, [script, target], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the counting proxy exited (${code})`)))
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString('utf8'))
      if (match) resolve(Number(match[1]))
    })
  })
  const endpoint = `http://127.0.0.1:${port}`
  const call = async (what: 'counts' | 'reset') =>
    (await (
      await fetch(`${endpoint}/__bench/${what}`, { method: what === 'reset' ? 'POST' : 'GET' })
    ).json()) as Record<string, number>
  return {
    endpoint,
    counts: () => call('counts'),
    reset: async () => {
      await call('reset')
    },
    async stop() {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}
