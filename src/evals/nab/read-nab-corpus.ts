import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { CodedError } from '../../core/errors'
import { parseMetricCsv, parseTimestamp } from '../../core/analysis/anomaly/parse-metric-csv'
import type { AnomalyWindow, CostMatrix } from './nab-types'

const labelsSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])))
const profilesSchema = z.record(z.string(), z.object({ CostMatrix: z.object({ tpWeight: z.number(), fpWeight: z.number(), fnWeight: z.number() }) }))
const thresholdsSchema = z.record(z.string(), z.record(z.string(), z.object({ threshold: z.number(), score: z.number() })))

export interface NabSeries {
  /** `<category>/<name>.csv`, the key of the labels file. */
  path: string
  rawTimestamps: string[]
  timestamps: number[]
  rawValues: string[]
  values: number[]
  windows: AnomalyWindow[]
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(JSON.parse(await readFile(path, 'utf8')))
  if (!parsed.success)
    throw new CodedError('nab_file_invalid', `${path}: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`)
  return parsed.data
}

export async function readProfiles(path: string): Promise<Record<string, CostMatrix>> {
  const profiles = await readJson(path, profilesSchema)
  return Object.fromEntries(Object.entries(profiles).map(([name, p]) => [name, p.CostMatrix]))
}

/** Published thresholds per detector and profile (`config/thresholds.json`). */
export async function readThresholds(path: string): Promise<Record<string, Record<string, { threshold: number; score: number }>>> {
  return readJson(path, thresholdsSchema)
}

/** Every `<category>/<name>.csv` under the data directory that has an entry in the labels file, with its windows. */
export async function readNabCorpus(dataDir: string, labelsPath: string): Promise<NabSeries[]> {
  const labels = await readJson(labelsPath, labelsSchema)
  const categories = (await readdir(dataDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
  const corpus: NabSeries[] = []
  for (const category of categories) {
    const files = (await readdir(join(dataDir, category))).filter((f) => f.endsWith('.csv')).sort()
    for (const file of files) {
      const path = `${category}/${file}`
      const limits = labels[path]
      if (!limits) continue
      const rows = parseMetricCsv(await readFile(join(dataDir, path), 'utf8'), { backwards: 'keep' })
      const timestamps = rows.map((r) => r.timestamp)
      const known = new Set(timestamps)
      const windows = limits.map(([start, end]) => {
        const w = { start: parseTimestamp(start), end: parseTimestamp(end) }
        // NAB enters and leaves a window on exact timestamps; a limit between rows would be scored differently.
        if (!known.has(w.start) || !known.has(w.end))
          throw new CodedError('nab_label_mismatch', `${path}: window [${start}, ${end}] does not start and end on rows of the series`)
        return w
      })
      corpus.push({
        path,
        rawTimestamps: rows.map((r) => r.rawTimestamp),
        timestamps,
        rawValues: rows.map((r) => r.rawValue),
        values: rows.map((r) => r.value),
        windows,
      })
    }
  }
  if (corpus.length === 0) throw new CodedError('nab_corpus_empty', `no labelled series under ${dataDir}`)
  return corpus
}

export interface DetectorResultsFile {
  timestamps: number[]
  anomalyScores: number[]
  /** `S(t)_<profile>` columns, when present. */
  rowScores: Record<string, number[]>
}

/** A NAB results file (`<detector>_<name>.csv`: timestamp, value, anomaly_score, … S(t)_<profile>). */
export async function readDetectorResults(path: string): Promise<DetectorResultsFile> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '')
  const header = (lines[0] ?? '').split(',')
  const col = (name: string) => header.indexOf(name)
  if (col('timestamp') < 0 || col('anomaly_score') < 0) throw new CodedError('nab_file_invalid', `${path}: no timestamp/anomaly_score columns`)
  const profileCols = header.map((h, i) => [h, i] as const).filter(([h]) => h.startsWith('S(t)_'))
  const result: DetectorResultsFile = { timestamps: [], anomalyScores: [], rowScores: Object.fromEntries(profileCols.map(([h]) => [h.slice(5), []])) }
  for (const line of lines.slice(1)) {
    const cells = line.split(',')
    result.timestamps.push(parseTimestamp(cells[col('timestamp')] ?? ''))
    result.anomalyScores.push(Number(cells[col('anomaly_score')]))
    for (const [h, i] of profileCols) result.rowScores[h.slice(5)]!.push(Number(cells[i]))
  }
  return result
}
