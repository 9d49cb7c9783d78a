import { parseCsv } from '../../csv-text'
import { columnKey, type HistoryFormat } from './column-mapping'

/**
 * The format of a history file from its name and its first bytes: a folder or `.md` file is Markdown
 * postmortems; `.jsonl`/`.ndjson` (or text starting with `{`) is JSON lines; a CSV is a Jira export when
 * its header has Jira's issue columns, PagerDuty's when it has PagerDuty's incident columns, else generic.
 */
export function detectHistoryFormat(input: { path: string; isDirectory: boolean; head: string }): HistoryFormat {
  if (input.isDirectory || /\.(md|markdown)$/i.test(input.path)) return 'markdown'
  if (/\.(jsonl|ndjson)$/i.test(input.path)) return 'jsonl'
  const head = input.head.replace(/^\uFEFF/, '').trimStart()
  if (head.startsWith('{')) return 'jsonl'
  if (head.startsWith('---')) return 'markdown'
  return csvFlavour(firstLine(head))
}

function firstLine(text: string): string[] {
  // The header is one line in every export we read; a quoted header spanning lines is still cut at its first line.
  const line = text.split(/\r?\n/, 1)[0] ?? ''
  try {
    return parseCsv(line)[0] ?? []
  } catch {
    return line.split(',')
  }
}

function csvFlavour(header: string[]): HistoryFormat {
  const keys = new Set(header.map(columnKey))
  if ((keys.has('issuekey') || keys.has('issueid')) && keys.has('summary') && keys.has('created')) return 'jira'
  const pagerDuty = ['incidentnumber', 'servicename', 'urgency', 'createdon', 'resolvedon', 'htmlurl', 'escalationpolicyname']
  if (pagerDuty.filter((k) => keys.has(k)).length >= 2) return 'pagerduty'
  return 'csv'
}
