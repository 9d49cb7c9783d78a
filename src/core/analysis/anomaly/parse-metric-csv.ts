import { InvalidMetricSeriesError } from './invalid-metric-series-error'

export interface MetricRow {
  /** 1-based line in the file. */
  line: number
  /** The timestamp exactly as written, echoed back in outputs. */
  rawTimestamp: string
  timestamp: number
  /** The value cell exactly as written. */
  rawValue: string
  /** NaN when the cell is empty or says NaN and `missing` is 'keep'. */
  value: number
}

export interface ParseMetricCsvOptions {
  /** 'error' (default) refuses a row without a numeric value; 'keep' returns it with value NaN. */
  missing?: 'error' | 'keep'
  /** 'keep' (default) scores rows that repeat the previous timestamp as further points, in file order (NAB's data has some); 'error' refuses them. */
  duplicates?: 'error' | 'keep'
  /** 'error' (default) refuses a row earlier than the one before; 'keep' returns it in file order, as it arrived (some of NAB's files step back). */
  backwards?: 'error' | 'keep'
}

const MISSING = new Set(['', 'nan', 'null', 'na'])
// "2015-09-01 13:45:00", "2015-09-01T13:45:00.123Z", "2015-09-01T13:45:00+02:00"; no zone means UTC.
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** Reads epoch milliseconds from an ISO-like timestamp or an epoch number (seconds below 1e11, else milliseconds). */
export function parseTimestamp(text: string): number {
  const t = text.trim()
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t)
    return n < 1e11 ? n * 1000 : n
  }
  const m = ISO_LIKE.exec(t)
  if (!m) return NaN
  const [, y, mo, d, h, mi, s = '00', frac = '', zone = 'Z'] = m
  const ms = frac ? Number(frac.slice(0, 4).padEnd(4, '0').slice(1)) : 0
  const iso =
    `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}` +
    `${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`
  return Date.parse(iso)
}

/**
 * Parses `timestamp,value` CSV text (a header naming both columns; other columns ignored).
 * Refuses, naming the line: no rows, a bad timestamp, a non-numeric value, time going
 * backwards unless asked to keep such rows (and a repeated timestamp when asked to). Gaps in time are allowed.
 */
export function parseMetricCsv(text: string, options: ParseMetricCsvOptions = {}): MetricRow[] {
  if (text.includes('\u0000')) throw new InvalidMetricSeriesError('metric_csv_header', 'the file holds binary data, not CSV text')
  const lines = text.split(/\r?\n/)
  let headerIndex = lines.findIndex((l) => l.trim() !== '')
  if (headerIndex < 0) throw new InvalidMetricSeriesError('metric_csv_empty', 'the file is empty')
  const header = lines[headerIndex]!.replace(/^\uFEFF/, '')
    .split(',')
    .map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase())
  const tsCol = header.indexOf('timestamp')
  const valueCol = header.indexOf('value')
  if (tsCol < 0 || valueCol < 0)
    throw new InvalidMetricSeriesError(
      'metric_csv_header',
      `the header must name "timestamp" and "value" columns, got ${printable(lines[headerIndex]!)}`,
      headerIndex + 1,
    )

  const rows: MetricRow[] = []
  for (let i = ++headerIndex; i < lines.length; i++) {
    const raw = lines[i]!
    if (raw.trim() === '') continue
    const line = i + 1
    const cells = raw.split(',')
    const rawTimestamp = (cells[tsCol] ?? '').trim().replace(/^"|"$/g, '')
    const timestamp = parseTimestamp(rawTimestamp)
    if (!Number.isFinite(timestamp)) throw new InvalidMetricSeriesError('metric_csv_timestamp', `${printable(rawTimestamp)} is not a timestamp`, line)
    const cell = (cells[valueCol] ?? '').trim().replace(/^"|"$/g, '')
    const value = MISSING.has(cell.toLowerCase()) ? NaN : Number(cell)
    if (!MISSING.has(cell.toLowerCase()) && !Number.isFinite(value))
      throw new InvalidMetricSeriesError('metric_csv_value', `${printable(cell)} is not a number`, line)
    if (Number.isNaN(value) && options.missing !== 'keep') throw new InvalidMetricSeriesError('metric_csv_value', `missing value (${printable(cell)})`, line)
    const prev = rows[rows.length - 1]
    if (prev && timestamp === prev.timestamp && options.duplicates === 'error')
      throw new InvalidMetricSeriesError('metric_csv_duplicate_timestamp', `timestamp ${rawTimestamp} repeats line ${prev.line}`, line)
    if (prev && timestamp < prev.timestamp && options.backwards !== 'keep')
      throw new InvalidMetricSeriesError(
        'metric_csv_unsorted',
        `timestamp ${rawTimestamp} is earlier than line ${prev.line} (${prev.rawTimestamp}); sort the file by time`,
        line,
      )
    rows.push({ line, rawTimestamp, timestamp, rawValue: cell, value })
  }
  if (rows.length === 0) throw new InvalidMetricSeriesError('metric_csv_empty', 'the file has a header but no rows')
  return rows
}

/** The rows stamped earlier than the latest row before them, in file order, each with that latest row. */
export function backwardSteps(rows: readonly MetricRow[]): Array<{ row: MetricRow; latest: MetricRow }> {
  const steps: Array<{ row: MetricRow; latest: MetricRow }> = []
  let latest = rows[0]
  for (const row of rows) {
    if (row.timestamp < latest!.timestamp) steps.push({ row, latest: latest! })
    else latest = row
  }
  return steps
}

/** A cell or line quoted for an error message: at most 80 characters, control and non-ASCII bytes escaped. */
function printable(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 80)}…` : text
  return JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
