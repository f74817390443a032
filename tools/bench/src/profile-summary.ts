/**
 * Where a service's CPU time went, from a V8 .cpuprofile (node --cpu-prof): self time grouped by
 * area (a package, node's internals, the service's own code, GC) and by function.
 */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]
  samples?: number[]
  timeDeltas?: number[]
}

export interface ProfileSummary {
  /** Sampled time, ms, without (idle). */
  busyMs: number
  byArea: { area: string; ms: number; percent: number }[]
  byFunction: { fn: string; area: string; ms: number; percent: number }[]
}

/** node_modules/.pnpm/x@1/node_modules/@scope/pkg/... → @scope/pkg; services/<svc>/... → <svc>. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return 'node internals'
  const modules = url.split('node_modules/')
  if (modules.length > 1) {
    const rest = modules.at(-1) as string
    const parts = rest.split('/')
    return rest.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string)
  }
  const service = /\/(services|packages)\/([^/]+)\//.exec(url)
  if (service) return service[2] as string
  return url
}

export function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const self = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0))
  })
  const areas = new Map<string, number>()
  const fns = new Map<string, { area: string; us: number }>()
  let busy = 0
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0
    if (us === 0 || node.callFrame.functionName === '(idle)') continue
    const { functionName, url, lineNumber } = node.callFrame
    const area = areaOf(url, functionName)
    busy += us
    areas.set(area, (areas.get(area) ?? 0) + us)
    const file = url ? url.split('/').slice(-1)[0] : ''
    const key = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`
    const fn = fns.get(key) ?? { area, us: 0 }
    fn.us += us
    fns.set(key, fn)
  }
  const pct = (us: number) => (busy ? Math.round((us / busy) * 1000) / 10 : 0)
  const ms = (us: number) => Math.round(us / 100) / 10
  return {
    busyMs: ms(busy),
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, ms: ms(us), percent: pct(us) })),
    byFunction: [...fns]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([fn, v]) => ({ fn, area: v.area, ms: ms(v.us), percent: pct(v.us) })),
  }
}
