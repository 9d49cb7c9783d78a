import { readCsvRows } from '../../csv-text'
import { CodedError } from '../../errors'
import { type ColumnMapping, columnKey, missingMappedColumns, recordFromCells, resolveHeader } from './column-mapping'
import { type HistoryField, type HistoryRecord, type ReadRow, type RowProblem, toImportedIncident } from './imported-incident'

/** A history file that cannot be read at all (no header, a `--map` column it lacks): nothing of it is imported. */
export class HistoryFileError extends CodedError<'history_file_invalid'> {
  constructor(message: string) {
    super('history_file_invalid', message)
    this.name = 'HistoryFileError'
  }
}

/**
 * The rows of a CSV history (generic, Jira or PagerDuty export), each an incident or a problem with the
 * line it starts on. Blank rows are skipped; an unterminated quote ends the file there, as a problem.
 */
export function readCsvHistory(text: string, mapping: ColumnMapping, maps: string[] = [], file?: string): ReadRow[] {
  const { rows, unterminatedQuoteLine } = readCsvRows(text)
  const [head, ...body] = rows
  if (!head || head.cells.every((c) => !c.trim())) throw new HistoryFileError(`${file ?? 'the file'}: no header row`)
  const missing = missingMappedColumns(head.cells, maps)
  if (missing.length)
    throw new HistoryFileError(`${file ?? 'the file'}: no column ${missing.map((m) => `"${m}"`).join(', ')} (columns: ${head.cells.join(', ')})`)
  const resolved = resolveHeader(head.cells, mapping)
  const out: ReadRow[] = []
  for (const row of body) {
    if (row.cells.every((c) => !c.trim())) continue
    const place = file ? { file, line: row.line } : { line: row.line }
    if (row.cells.length > head.cells.length && row.cells.slice(head.cells.length).some((c) => c.trim())) {
      out.push({ problem: { ...place, reason: `${row.cells.length} fields where the header has ${head.cells.length} (an unquoted comma?)` } })
      continue
    }
    out.push(toImportedIncident(recordFromCells(row.cells, resolved), place))
  }
  if (unterminatedQuoteLine !== null) {
    const place = file ? { file, line: unterminatedQuoteLine } : { line: unterminatedQuoteLine }
    out.push({ problem: { ...place, reason: 'a quoted field is never closed: this row and the rest of the file were not read' } })
  }
  return out
}

/** Nested objects' keys joined by dots ("service.summary"), as `--map` names them; arrays of scalars joined by commas. */
function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, string> = {}, depth = 0): Record<string, string> {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key
    if (v === null || v === undefined) out[name] = ''
    else if (Array.isArray(v)) out[name] = v.filter((x) => x !== null && typeof x !== 'object').join(', ')
    else if (typeof v === 'object') {
      if (depth < 3) flatten(v as Record<string, unknown>, name, out, depth + 1)
    } else out[name] = String(v)
  }
  return out
}

/** The rows of a JSON-lines history: one object a line; a line that is not one is a problem, the others still load. */
export function readJsonlHistory(text: string, mapping: ColumnMapping, file?: string): ReadRow[] {
  const out: ReadRow[] = []
  const lines = text.split('\n')
  lines.forEach((raw, i) => {
    const line = i === 0 ? raw.replace(/^\uFEFF/, '') : raw
    if (!line.trim()) return
    const place = file ? { file, line: i + 1 } : { line: i + 1 }
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (err) {
      out.push({ problem: { ...place, reason: `not JSON (${err instanceof Error ? err.message : String(err)})` } })
      return
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      out.push({ problem: { ...place, reason: 'not a JSON object' } })
      return
    }
    out.push(toImportedIncident(recordFromObject(flatten(parsed as Record<string, unknown>), mapping), place))
  })
  return out
}

/** The fields of one object (flattened JSON, or front matter): each from the first of its names with a value. */
export function recordFromObject(fields: Record<string, string>, mapping: ColumnMapping): HistoryRecord {
  const byKey = new Map<string, string>()
  for (const k of Object.keys(fields)) if (!byKey.has(columnKey(k))) byKey.set(columnKey(k), k)
  const record: HistoryRecord = {}
  for (const [field, names] of Object.entries(mapping) as Array<[HistoryField, string[]]>) {
    const keys = names.map((n) => byKey.get(columnKey(n))).filter((k) => k !== undefined)
    const key = keys.find((k) => fields[k]!.trim()) ?? keys[0]
    if (key !== undefined) record[field] = { value: fields[key]!, column: key }
  }
  return record
}

/**
 * Keeps the first row of each external id: one statement cannot write an incident twice, and a file
 * that repeats an id is ambiguous. The later rows are problems naming the line they repeat.
 */
export function firstRowPerExternalId(rows: ReadRow[]): ReadRow[] {
  const seen = new Map<string, string>()
  return rows.map((row) => {
    if (!('incident' in row)) return row
    const where = `${row.place.file ? `${row.place.file}:` : 'line '}${row.place.line}`
    const first = seen.get(row.incident.externalId)
    if (first === undefined) {
      seen.set(row.incident.externalId, where)
      return row
    }
    const problem: RowProblem = { ...row.place, reason: `external id "${row.incident.externalId}" already on ${first}: this row is left out` }
    return { problem }
  })
}
