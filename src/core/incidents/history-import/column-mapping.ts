import { CodedError } from '../../errors'
import { HISTORY_FIELDS, type HistoryField, type HistoryRecord } from './imported-incident'

/** The formats `sre-agent import` reads. */
export const HISTORY_FORMATS = ['csv', 'jsonl', 'jira', 'pagerduty', 'markdown'] as const
export type HistoryFormat = (typeof HISTORY_FORMATS)[number]

/** Which column each field is read from: the first of its names the row has (names compared without case or punctuation). */
export type ColumnMapping = Record<HistoryField, string[]>

const names = (text: string) => text.split(',')

// Generic CSV, JSON lines and postmortem front matter: the field's own name first, then the usual synonyms.
const GENERIC: ColumnMapping = {
  external_id: names('external_id,id,incident_id,key,number,incident_number'),
  title: names('title,name,headline'),
  service: names('service,service_name,component,system,app,application'),
  severity: names('severity,sev,priority,urgency,level'),
  started: names('started,started_at,start,start_time,created,created_at,opened_at,detected_at,date'),
  resolved: names('resolved,resolved_at,end,ended_at,end_time,closed_at,closed'),
  summary: names('summary,description,details,impact'),
  root_cause: names('root_cause,rootcause,cause'),
  contributing_factors: names('contributing_factors,contributing,factors'),
  resolution: names('resolution,fix,remediation,mitigation'),
  outcome: names('outcome,resolution_outcome,result'),
  postmortem: names('postmortem,post_mortem,retrospective,postmortem_text'),
  link: names('link,url,html_url,permalink'),
}

/** Default columns of each tabular format; the front matter of a postmortem reads like generic CSV. */
export const DEFAULT_MAPPINGS: Record<HistoryFormat, ColumnMapping> = {
  csv: GENERIC,
  jsonl: GENERIC,
  markdown: GENERIC,
  // Jira's issue export: "Summary" is the title, the Resolution column says how it ended (Fixed, Won't Fix, …).
  jira: {
    ...GENERIC,
    external_id: names('Issue key,Issue id'),
    title: names('Summary'),
    service: names('Component/s,Project name,Project key'),
    severity: names('Priority'),
    started: names('Created'),
    resolved: names('Resolved'),
    summary: names('Description'),
    root_cause: names('Custom field (Root Cause),Root Cause'),
    contributing_factors: names('Custom field (Contributing Factors),Contributing Factors'),
    resolution: names('Custom field (Resolution Details),Custom field (Fix),Resolution Details'),
    outcome: names('Resolution'),
    postmortem: names('Custom field (Postmortem),Postmortem'),
    link: names('Custom field (Link),Link,URL'),
  },
  // PagerDuty's incident CSV export (and its API's field names): the description is the title when there is no title.
  pagerduty: {
    ...GENERIC,
    external_id: names('id,incident_id,incident_number,number'),
    title: names('title,description,summary'),
    service: names('service_name,service,service.summary'),
    severity: names('priority_name,priority,priority.summary,urgency'),
    started: names('created_on,created_at,triggered_at,start_time'),
    resolved: names('resolved_on,resolved_at,end_time,last_status_change_at'),
    summary: names('description,summary,details'),
    outcome: names('outcome'),
    link: names('html_url,incident_url,url,link'),
  },
}

/** A column name as matched: "Issue key", "issue_key" and "ISSUE-KEY" are the same column. */
export function columnKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '')
}

/** Wrong `--map` arguments: the command line shows the message as a usage error. */
export class ColumnMappingError extends CodedError<'usage'> {
  constructor(message: string) {
    super('usage', message)
    this.name = 'ColumnMappingError'
  }
}

/** Applies `--map field=column` arguments over a format's defaults: the named column only, for each field given. */
export function columnMapping(format: HistoryFormat, maps: string[]): ColumnMapping {
  const mapping = { ...DEFAULT_MAPPINGS[format] }
  for (const arg of maps) {
    const eq = arg.indexOf('=')
    const field = (eq < 0 ? arg : arg.slice(0, eq)).trim().replaceAll('-', '_') as HistoryField
    const column = eq < 0 ? '' : arg.slice(eq + 1).trim()
    if (!HISTORY_FIELDS.includes(field)) throw new ColumnMappingError(`--map ${arg}: unknown field "${field}" (fields: ${HISTORY_FIELDS.join(', ')})`)
    if (!column) throw new ColumnMappingError(`--map ${arg}: name the column, as in --map ${field}=Column`)
    mapping[field] = [column]
  }
  return mapping
}

/** For each field, the header's columns it may be read from, in the mapping's order (a repeated name: each copy). */
export type ResolvedHeader = Partial<Record<HistoryField, Array<{ column: string; index: number }>>>

export function resolveHeader(header: string[], mapping: ColumnMapping): ResolvedHeader {
  const byKey = new Map<string, number[]>()
  header.forEach((name, i) => {
    const key = columnKey(name)
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), i])
  })
  const resolved: ResolvedHeader = {}
  for (const field of HISTORY_FIELDS) {
    const keys = [...new Set(mapping[field].map(columnKey))]
    const columns = keys.flatMap((key) => (byKey.get(key) ?? []).map((index) => ({ column: header[index]!, index })))
    if (columns.length) resolved[field] = columns
  }
  return resolved
}

/** The fields of one row: each from the first of its columns that is not empty (Jira's repeated Component/s, PagerDuty's priority, then urgency). */
export function recordFromCells(cells: string[], resolved: ResolvedHeader): HistoryRecord {
  const record: HistoryRecord = {}
  for (const [field, columns] of Object.entries(resolved) as Array<[HistoryField, Array<{ column: string; index: number }>]>) {
    const used = columns.find((c) => cells[c.index]?.trim()) ?? columns[0]!
    record[field] = { value: cells[used.index] ?? '', column: used.column }
  }
  return record
}

/** The columns `--map` names that the header lacks: said before any row is read. */
export function missingMappedColumns(header: string[], maps: string[]): string[] {
  const keys = new Set(header.map(columnKey))
  return maps.map((arg) => arg.slice(arg.indexOf('=') + 1).trim()).filter((column) => !keys.has(columnKey(column)))
}
