import { parseCsv } from '../../core/csv-text'
import { parseTimestampText } from '../../core/timestamp-text'

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

/** A report's date as the GitBugs projects export it: Jira's "30/Sep/21 17:20" (UTC) or ISO 8601; null when it is neither. */
export const parseGitBugsDate = parseTimestampText

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
