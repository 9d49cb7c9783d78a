import { parseCsv } from '../../core/csv-text'
import { MINUTE_MS } from '../../core/durations'

/** One report of a GitBugs CSV (Summary, Issue id, Status, Priority, Resolution, Created, Resolved, Description; other columns optional). */
export interface BugReport {
  id: string
  summary: string
  description: string
  created: Date
  resolved: Date | null
  resolution: string
}

/** Rows left out of a bugs file, by reason, each with the first offending value as an example. */
export interface SkippedRows {
  withoutId: number
  unreadableCreated: { count: number; example: string | null }
}

export interface GitBugsReports {
  reports: BugReport[]
  skipped: SkippedRows
}

/** The columns a GitBugs bugs file must have; the others (Status, Priority, Affects Version/s, …) vary by project. */
export const REQUIRED_COLUMNS = ['Summary', 'Issue id', 'Resolution', 'Created', 'Resolved', 'Description'] as const

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 }
const JIRA_DATE = /^(\d{1,2})\/([A-Z][a-z]{2})\/(\d{2}) (\d{1,2}):(\d{2})$/
// "2020-01-02 17:14:21+00:00", "2020-01-02T17:14:21Z", "2020-01-02 17:14:21.123+0530", "2020-01-02 17:14" (no zone: UTC).
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/

/**
 * A report's date as the GitBugs projects export it: Jira's "30/Sep/21 17:20" (read as UTC) or ISO 8601
 * with or without an offset; null when it is neither.
 */
export function parseGitBugsDate(text: string): Date | null {
  const value = text.trim()
  const jira = JIRA_DATE.exec(value)
  if (jira) {
    const month = MONTHS[jira[2]!]
    return month === undefined ? null : new Date(Date.UTC(2000 + Number(jira[3]), month, Number(jira[1]), Number(jira[4]), Number(jira[5])))
  }
  const iso = ISO_DATE.exec(value)
  if (!iso) return null
  const [year, month, day, hour, minute, second] = iso.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number]
  const fraction = iso[7]
  const zone = iso[8]
  const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms))
  // Date.UTC rolls 31 February over into March: such a date is unreadable, not another day.
  if (utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null
  const offsetMinutes = !zone || zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)))
  return new Date(utc.getTime() - offsetMinutes * MINUTE_MS)
}

/** Reads a GitBugs bugs file: the reports in creation order, and which rows were left out and why. */
export function readGitBugsReports(text: string, path: string, fail: (message: string) => Error): GitBugsReports {
  const [head, ...rows] = parseCsv(text).filter((r) => r.some((f) => f.trim()))
  const col = (name: string) => {
    const i = head?.indexOf(name) ?? -1
    if (i < 0) throw fail(`${path}: no "${name}" column (is it a GitBugs bugs file?)`)
    return i
  }
  const [summary, id, resolution, created, resolved, description] = REQUIRED_COLUMNS.map(col) as [number, number, number, number, number, number]
  const reports: BugReport[] = []
  const skipped: SkippedRows = { withoutId: 0, unreadableCreated: { count: 0, example: null } }
  for (const r of rows) {
    if (!r[id]?.trim()) {
      skipped.withoutId++
      continue
    }
    const at = parseGitBugsDate(r[created] ?? '')
    if (!at) {
      skipped.unreadableCreated.count++
      skipped.unreadableCreated.example ??= r[created] ?? ''
      continue
    }
    reports.push({
      id: r[id]!.trim(),
      summary: r[summary] ?? '',
      description: r[description] ?? '',
      created: at,
      resolved: parseGitBugsDate(r[resolved] ?? ''),
      resolution: (r[resolution] ?? '').trim(),
    })
  }
  // Minute resolution makes near-simultaneous reports tie; issue ids order them, a second apart.
  reports.sort((a, b) => a.created.getTime() - b.created.getTime() || Number(a.id) - Number(b.id))
  for (let i = 1; i < reports.length; i++) {
    const prev = reports[i - 1]!
    if (reports[i]!.created.getTime() <= prev.created.getTime()) reports[i]!.created = new Date(prev.created.getTime() + 1000)
  }
  return { reports, skipped }
}

/** "2 rows skipped: 1 without an issue id, 1 with an unreadable Created date (e.g. "yesterday")", or '' when none were. */
export function describeSkippedRows(skipped: SkippedRows): string {
  const parts: string[] = []
  if (skipped.withoutId > 0) parts.push(`${skipped.withoutId} without an issue id`)
  const bad = skipped.unreadableCreated
  if (bad.count > 0) parts.push(`${bad.count} with an unreadable Created date (e.g. ${JSON.stringify(bad.example)})`)
  const total = skipped.withoutId + bad.count
  return total === 0 ? '' : `${total} row${total === 1 ? '' : 's'} skipped: ${parts.join(', ')}`
}
