/**
 * Runs inside DynamoDB Local's own network namespace (see netns.ts): starts the engine, then
 * carries every connection arriving on a Unix socket in a folder shared with the host to the
 * engine's port on the namespace's loopback. The engine itself is reachable from nowhere else:
 * the namespace has no interface but its own loopback.
 *
 * Usage: node ns-forwarder.js <socket path> <engine port> -- <engine command...>
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { splice } from './splice.js'

const [socketPath, portArg, dashes, command, ...args] = process.argv.slice(2)
const port = Number(portArg)
if (!socketPath || !Number.isInteger(port) || dashes !== '--' || !command) {
  process.stderr.write('usage: ns-forwarder <socket path> <engine port> -- <engine command...>\n')
  process.exit(2)
}

const engine = spawn(command, args, { stdio: 'inherit' })
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => engine.kill(signal))

const server = net.createServer((client) => splice(client, net.connect(port, '127.0.0.1')))
rmSync(socketPath, { force: true })
server.listen(socketPath)

engine.on('exit', (code, signal) => {
  // The socket's folder is this engine's own temp folder: gone with it, also when the stack
  // itself was killed and could not clean up.
  rmSync(path.dirname(socketPath), { recursive: true, force: true })
  process.exit(code ?? (signal ? 128 + 15 : 1))
})
