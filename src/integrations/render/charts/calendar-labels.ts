const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** A calendar date ("2026-11-30") as "30 Nov"; anything else is returned as it came. */
export function shortDate(day: string): string {
  const parsed = parseDay(day)
  return parsed === null ? day : `${parsed.getUTCDate()} ${MONTHS[parsed.getUTCMonth()]}`
}

/** A calendar date's weekday ("Mon"), or "" when it is not a date. */
export function weekday(day: string): string {
  const parsed = parseDay(day)
  return parsed === null ? '' : WEEKDAYS[parsed.getUTCDay()]!
}

function parseDay(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day)
  if (match === null) return null
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return Number.isNaN(date.getTime()) ? null : date
}
