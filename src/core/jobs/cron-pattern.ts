import { zonedParts } from '../digest/zoned-calendar'

/**
 * A five-field cron pattern (minute hour day-of-month month day-of-week), as BullMQ's job schedulers take it:
 * numbers, `*`, ranges `a-b`, steps `*\/n` and `a-b/n`, lists `a,b`; day-of-week 0-7 (0 and 7 are Sunday).
 * Parsed here so a bad DIGEST_CRON is refused at start, and so the embedded mode's timer fires when BullMQ would.
 */
export interface CronPattern {
  source: string
  minutes: Set<number>
  hours: Set<number>
  daysOfMonth: Set<number>
  months: Set<number>
  daysOfWeek: Set<number>
  /** Cron's rule: when both day fields are restricted, a day matching either one matches. */
  anyDayOfMonth: boolean
  anyDayOfWeek: boolean
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const

export class CronPatternError extends Error {}

export function parseCronPattern(pattern: string): CronPattern {
  const parts = pattern.trim().split(/\s+/)
  if (parts.length !== 5) throw new CronPatternError(`"${pattern}" is not a cron pattern of five fields (minute hour day-of-month month day-of-week)`)
  const sets = parts.map((field, i) => parseField(field, FIELDS[i]!))
  const daysOfWeek = new Set([...sets[4]!].map((d) => d % 7))
  return {
    source: parts.join(' '),
    minutes: sets[0]!,
    hours: sets[1]!,
    daysOfMonth: sets[2]!,
    months: sets[3]!,
    daysOfWeek,
    anyDayOfMonth: parts[2] === '*',
    anyDayOfWeek: parts[4] === '*',
  }
}

/** Whether the pattern fires at the minute of `at`, read on the wall clock of `timeZone`. */
export function cronMatches(cron: CronPattern, at: Date, timeZone: string): boolean {
  const p = zonedParts(at, timeZone)
  if (!cron.minutes.has(p.minute) || !cron.hours.has(p.hour) || !cron.months.has(p.month)) return false
  const dom = cron.daysOfMonth.has(p.day)
  const dow = cron.daysOfWeek.has(p.weekday)
  if (cron.anyDayOfMonth || cron.anyDayOfWeek) return dom && dow
  return dom || dow
}

function parseField(field: string, spec: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>()
  for (const item of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item)
    if (!match) throw new CronPatternError(`cron ${spec.name} field "${field}" is not understood`)
    const step = match[4] === undefined ? 1 : Number(match[4])
    let from: number = spec.min
    let to: number = spec.max
    if (match[1] !== '*') {
      from = Number(match[2])
      to = match[3] === undefined ? (match[4] === undefined ? from : spec.max) : Number(match[3])
    }
    if (step < 1 || from < spec.min || to > spec.max || from > to) {
      throw new CronPatternError(`cron ${spec.name} field "${field}" is out of range ${spec.min}-${spec.max}`)
    }
    for (let v = from; v <= to; v += step) out.add(v)
  }
  return out
}
