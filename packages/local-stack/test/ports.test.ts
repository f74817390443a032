import { readFileSync } from 'node:fs'
import t from 'tap'
import { freePort, isPortFree } from '../src/ports.js'

t.test('freePort: free, never handed out twice, and outside the ephemeral range', async (t) => {
  const ports: number[] = []
  for (let i = 0; i < 50; i++) ports.push(await freePort())
  t.equal(new Set(ports).size, 50, '50 calls, 50 ports')
  for (const port of ports.slice(0, 5)) t.ok(await isPortFree(port), `${port} can be bound`)
  const [ephemeralMin] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number)
  // An outgoing connection's local end comes from that range: a port picked there could be taken
  // before the listener that was meant for it starts.
  t.ok(
    ports.every((p) => p < (ephemeralMin ?? 0)),
    `all below ${ephemeralMin} (${Math.min(...ports)}–${Math.max(...ports)})`,
  )
})
