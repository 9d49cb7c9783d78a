import { CodedError } from './errors'

/** CSV text that cannot be read: an unterminated quote. */
export class CsvSyntaxError extends CodedError {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super('csv_syntax', message, { line })
    this.name = 'CsvSyntaxError'
  }
}

/**
 * Reads RFC 4180 CSV: comma-separated, fields optionally in double quotes, `""` for a
 * quote inside one, commas and line breaks allowed inside quotes, LF or CRLF rows.
 * A leading byte-order mark is skipped; a trailing empty line yields no row.
 */
export function parseCsv(text: string): string[][] {
  const { rows, unterminatedQuoteLine } = readCsvRows(text)
  if (unterminatedQuoteLine !== null) throw new CsvSyntaxError(`unterminated quoted field starting on line ${unterminatedQuoteLine}`, unterminatedQuoteLine)
  return rows.map((r) => r.cells)
}

/** One CSV row and the line of the text it starts on (a quoted field may span several). */
export interface CsvRow {
  line: number
  cells: string[]
}

/**
 * The rows of CSV text as `parseCsv` reads them, each with the line it starts on. An unterminated
 * quote does not throw: the rows before it are returned, with the line where that quote opened.
 */
export function readCsvRows(text: string): { rows: CsvRow[]; unterminatedQuoteLine: number | null } {
  const rows: CsvRow[] = []
  let row: string[] = []
  let field = ''
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  let rowLine = 1
  let quoted = false
  let quoteLine = 0
  let rowStarted = false
  const n = text.length
  while (i < n) {
    const c = text[i]!
    if (quoted) {
      // Copy up to the next quote in one slice: long quoted descriptions are the bulk of an export.
      const next = text.indexOf('"', i)
      const end = next < 0 ? n : next
      const chunk = text.slice(i, end)
      for (let j = chunk.indexOf('\n'); j >= 0; j = chunk.indexOf('\n', j + 1)) line++
      field += chunk
      i = end
      if (next < 0) break
      if (text[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      quoted = false
      i++
      continue
    }
    if (!rowStarted && field === '') rowLine = line
    if (c === '"' && field === '') {
      quoted = true
      quoteLine = line
      rowStarted = true
      i++
    } else if (c === ',') {
      row.push(field)
      field = ''
      rowStarted = true
      i++
    } else if (c === '\n' || c === '\r') {
      if (rowStarted || field !== '') {
        row.push(field)
        rows.push({ line: rowLine, cells: row })
      }
      row = []
      field = ''
      rowStarted = false
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1
      line++
    } else {
      field += c
      rowStarted = true
      i++
    }
  }
  if (quoted) return { rows, unterminatedQuoteLine: quoteLine }
  if (rowStarted || field !== '') {
    row.push(field)
    rows.push({ line: rowLine, cells: row })
  }
  return { rows, unterminatedQuoteLine: null }
}

/** Rows as objects keyed by the header row's names. */
export function parseCsvRecords(text: string): { header: string[]; records: Array<Record<string, string>> } {
  const [header = [], ...rows] = parseCsv(text)
  const records = rows.map((cells) => {
    const record: Record<string, string> = {}
    header.forEach((name, i) => {
      record[name] = cells[i] ?? ''
    })
    return record
  })
  return { header, records }
}

/** One CSV row; a field is quoted when it holds a comma, quote, line break or edge space. */
export function formatCsvRow(fields: Array<string | number>): string {
  return fields.map((f) => formatCsvField(String(f))).join(',')
}

function formatCsvField(field: string): string {
  if (/[",\r\n]/.test(field) || /^\s|\s$/.test(field)) return `"${field.replaceAll('"', '""')}"`
  return field
}
