const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const day = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })

export const timeOf = (iso: string) => time.format(new Date(iso))
export const dayOf = (iso: string) => day.format(new Date(iso))

/** A date line goes before the first message of each local day (so a New Year shows itself). */
export function startsNewDay(previous: string | undefined, current: string): boolean {
  return previous === undefined || dayOf(previous) !== dayOf(current)
}

/** In the list: the time for today's last message, the date for older ones. */
export const whenOf = (iso: string, now = new Date()) =>
  dayOf(iso) === day.format(now) ? timeOf(iso) : dayOf(iso)
