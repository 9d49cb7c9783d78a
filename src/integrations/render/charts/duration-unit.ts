/** The unit a set of durations reads best in: minutes up to two hours, hours up to three days, then days. */
export interface DurationUnit {
  name: 'minutes' | 'hours' | 'days'
  short: 'min' | 'h' | 'd'
  minutes: number
}

const UNITS: DurationUnit[] = [
  { name: 'minutes', short: 'min', minutes: 1 },
  { name: 'hours', short: 'h', minutes: 60 },
  { name: 'days', short: 'd', minutes: 1440 },
]

export function durationUnitFor(maxMinutes: number): DurationUnit {
  if (maxMinutes <= 120) return UNITS[0]!
  if (maxMinutes <= 72 * 60) return UNITS[1]!
  return UNITS[2]!
}

/** A duration in minutes written in `unit` with at most one decimal: "45 min", "2.5 h". */
export function formatInUnit(minutes: number, unit: DurationUnit): string {
  const value = minutes / unit.minutes
  const shown = value >= 10 || Number.isInteger(value) ? Math.round(value) : Math.round(value * 10) / 10
  return `${shown} ${unit.short}`
}

/** A duration in minutes in the unit that suits it alone ("40 min", "3.2 h", "4.5 d"), for alt text and labels. */
export function formatMinutes(minutes: number): string {
  return formatInUnit(minutes, durationUnitFor(minutes))
}
