import type { Test } from 'tap'
import type { ProcessName, System } from './system.js'
import { secrets } from './users.js'

export interface LogLine {
  level?: number
  time?: number
  service?: string
  reqId?: string
  msg?: string
  req?: { method?: string; url?: string; headers?: Record<string, unknown> }
  res?: { statusCode?: number }
  responseTime?: number
  [key: string]: unknown
}

export function parsed(system: System, service: ProcessName): { lines: LogLine[]; notJson: string[] } {
  const lines: LogLine[] = []
  const notJson: string[] = []
  for (const raw of system.logs[service]) {
    try {
      lines.push(JSON.parse(raw) as LogLine)
    } catch {
      notJson.push(raw)
    }
  }
  return { lines, notJson }
}

/** The access-log lines (one per finished request) carrying this request id. */
export function accessLines(system: System, service: ProcessName, reqId: string): LogLine[] {
  return parsed(system, service).lines.filter((l) => l.reqId === reqId && l.res?.statusCode !== undefined)
}

/**
 * The secret scan: no access/ID token (nor its signature alone), password or INTERNAL_TOKEN in
 * any line a service, the gateway or the setup hooks printed.
 */
export function assertNoSecretsLogged(t: Test, system: System) {
  const all = [
    ...system.logs['user-service'],
    ...system.logs['messaging-service'],
    ...system.logs.gateway,
    ...system.otherLogs,
  ]
  const needles = new Map<string, string>()
  needles.set(system.facts.internalToken, 'INTERNAL_TOKEN')
  needles.set(system.facts.demoPassword, 'demo password')
  for (const secret of secrets) {
    const parts = secret.split('.')
    if (parts.length === 3) {
      needles.set(secret, 'a token')
      // A logged signature alone is enough to replay nothing, but a logged payload+signature is.
      if ((parts[2] ?? '').length > 20) needles.set(parts[2] as string, 'a token signature')
    } else needles.set(secret, 'a password')
  }
  const hits: string[] = []
  for (const line of all)
    for (const [needle, what] of needles)
      if (line.includes(needle)) hits.push(`${what}: ${line.slice(0, 200)}`)
  t.same(
    hits,
    [],
    `no token, password or internal token in ${all.length} log lines (${needles.size} secrets)`,
  )
}
