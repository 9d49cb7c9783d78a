import { DAY_MS } from '../durations'

/**
 * Calendar days and weeks in an IANA time zone, with Intl only: the digest counts "Monday" and "the 3rd"
 * where its readers are, not in UTC.
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Whether `timeZone` is an IANA name this runtime knows ("Europe/Paris", "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

export interface ZonedParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  /** 0 = Sunday … 6 = Saturday, as Date.getDay. */
  weekday: number
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** The wall-clock reading of `at` in `timeZone`. */
export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {}
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  }
}

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`. */
export function zonedDay(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`
}

/** The instant the calendar day `day` (YYYY-MM-DD) starts in `timeZone` (its first existing minute on a DST day). */
export function startOfZonedDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const wall = Date.UTC(y, m - 1, d)
  // The zone's offset at the guess, then again at the corrected instant (the offset may change in between).
  let at = wall - offsetMs(new Date(wall), timeZone)
  at = wall - offsetMs(new Date(at), timeZone)
  // A day starting in a DST gap: the wall clock reads past midnight of the day before; the day starts an hour later.
  if (zonedDay(new Date(at), timeZone) !== day) at += Math.round(DAY_MS / 24)
  return new Date(at)
}

/** `day` plus `days` calendar days (negative for earlier), as YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10)
}

/** The Monday of the week (Monday to Sunday) of calendar day `day`. */
export function mondayOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay()
  return addDays(day, -((weekday + 6) % 7))
}

/** Every calendar day from `first` to `last` inclusive. */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = []
  for (let day = first; day <= last; day = addDays(day, 1)) out.push(day)
  return out
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** "30 Nov – 6 Dec 2026", "1 – 7 Dec 2026", "28 Dec 2026 – 3 Jan 2027": the days from `first` to `last`. */
export function dayRangeLabel(first: string, last: string): string {
  const [fy, fm, fd] = first.split('-').map(Number) as [number, number, number]
  const [ly, lm, ld] = last.split('-').map(Number) as [number, number, number]
  const end = `${ld} ${MONTHS[lm - 1]} ${ly}`
  if (first === last) return end
  if (fy !== ly) return `${fd} ${MONTHS[fm - 1]} ${fy} – ${end}`
  if (fm !== lm) return `${fd} ${MONTHS[fm - 1]} – ${end}`
  return `${fd} – ${end}`
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in ms. */
function offsetMs(at: Date, timeZone: string): number {
  const p = zonedParts(at, timeZone)
  const seconds = at.getUTCSeconds()
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, seconds)
  return asUtc - (at.getTime() - at.getUTCMilliseconds())
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
