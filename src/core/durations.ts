/** Durations in milliseconds, the unit of Date arithmetic, so `15 * MINUTE_MS` reads as what it is. */
export const SECOND_MS = 1_000
export const MINUTE_MS = 60 * SECOND_MS
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS
export const WEEK_MS = 7 * DAY_MS

/**
 * A duration as a person reads it, in its two largest units: "45 s", "12 min", "2 h 31 min", "2 d 15 h".
 * Rounded to the smaller unit shown, so 2 h 59 min 40 s reads "3 h", never "2 h 60 min".
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / SECOND_MS))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.round(ms / MINUTE_MS)
  if (minutes < 60) return `${minutes} min`
  if (minutes < 24 * 60) return twoUnits(minutes, 60, 'h', 'min')
  return twoUnits(Math.round(ms / HOUR_MS), 24, 'd', 'h')
}

function twoUnits(small: number, perLarge: number, largeUnit: string, smallUnit: string): string {
  const large = Math.floor(small / perLarge)
  const rest = small % perLarge
  return rest === 0 ? `${large} ${largeUnit}` : `${large} ${largeUnit} ${rest} ${smallUnit}`
}
