import { MINUTE_MS } from './durations'

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 }
// "30/Sep/21 17:20", "30/Sep/2021 5:20 PM" (Jira's CSV export, in the exporting user's zone: read as UTC).
const JIRA_DATE = /^(\d{1,2})\/([A-Z][a-z]{2})\/(\d{2}|\d{4}) (\d{1,2}):(\d{2})(?: ?([AP]M))?$/i
// "2020-01-02 17:14:21+00:00", "2020-01-02T17:14:21Z", "2020-01-02 17:14:21.123+0530", "2020-01-02 17:14" (no zone: UTC), "2020-01-02".
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * A time as incident and issue trackers export it: Jira's "30/Sep/21 17:20" (read as UTC), or ISO 8601
 * with or without an offset (no offset: UTC; a date alone: its midnight UTC); null when it is neither,
 * or names a day that does not exist. Ambiguous forms such as "02/01/2020" are refused, not guessed.
 */
export function parseTimestampText(text: string): Date | null {
  const value = text.trim()
  const jira = JIRA_DATE.exec(value)
  if (jira) {
    const month = MONTHS[jira[2]!.charAt(0).toUpperCase() + jira[2]!.slice(1).toLowerCase()]
    const year = jira[3]!.length === 2 ? 2000 + Number(jira[3]) : Number(jira[3])
    let hour = Number(jira[4])
    const meridiem = jira[6]?.toUpperCase()
    if (meridiem && (hour < 1 || hour > 12)) return null
    if (meridiem) hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0)
    return month === undefined ? null : checkedUtc(year, month + 1, Number(jira[1]), hour, Number(jira[5]), 0, 0)
  }
  const iso = ISO_DATE.exec(value)
  if (!iso) return null
  const [year, month, day, hour, minute, second] = iso.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number]
  const fraction = iso[7]
  const zone = iso[8]
  const utc = checkedUtc(year, month, day, hour, minute, second, fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0)
  if (!utc) return null
  const offsetMinutes = !zone || zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)))
  return new Date(utc.getTime() - offsetMinutes * MINUTE_MS)
}

// Date.UTC rolls 31 February over into March: such a date is unreadable, not another day.
function checkedUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): Date | null {
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms))
  if (utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null
  return utc
}
