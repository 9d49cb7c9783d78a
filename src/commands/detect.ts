import { readFile, writeFile } from 'node:fs/promises'
import { InvalidMetricSeriesError } from '../core/analysis/anomaly/invalid-metric-series-error'
import { backwardSteps, parseMetricCsv } from '../core/analysis/anomaly/parse-metric-csv'
import { scoreMetricSeries } from '../core/analysis/anomaly/score-metric-series'
import { DEFAULT_DETECTOR_OPTIONS } from '../core/analysis/anomaly/streaming-anomaly-detector'
import { errorMessage } from '../core/errors'
import { readFlags, UsageError, type CliCommand } from './command'

const USAGE =
  'sre-agent detect anomalies --input <timestamp,value csv> --out <csv> [--missing error|skip] ' +
  `[--min-history ${DEFAULT_DETECTOR_OPTIONS.minHistory}]

Scores every point of a metric series in time order, each from the points before it only,
and writes timestamp,value,anomaly_score (0..1; high where an anomaly starts).
Timestamps: ISO 8601 / "YYYY-MM-DD HH:MM:SS" (UTC unless a zone is given) or epoch seconds/ms.
Rows are scored in file order, as they arrived: a repeated timestamp is a further point, a row stamped earlier than the
one before is scored as arriving then (with a warning), and the output keeps the input's rows one for one; gaps are fine.
--missing skip: rows with an empty or NaN value are written with an empty score (default: refuse the file).`

// How many of the strongest points the summary lists.
const SUMMARY_TOP = 5

const command: CliCommand = {
  summary: 'score a metric series for anomalies (sre-agent detect anomalies --input <csv> --out <csv>)',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args
    if (sub !== 'anomalies') throw new UsageError(`${sub ? `unknown subcommand "${sub}"` : 'which detection?'}\n\n${USAGE}`)
    const flags = readFlags(rest, {
      input: { required: true },
      out: { required: true },
      missing: { default: 'error' },
      'min-history': { default: String(DEFAULT_DETECTOR_OPTIONS.minHistory) },
    })
    if (flags.missing !== 'error' && flags.missing !== 'skip') throw new UsageError('--missing must be "error" or "skip"')
    const minHistory = Number(flags['min-history'])
    if (!Number.isInteger(minHistory) || minHistory < 1) throw new UsageError('--min-history must be a positive integer')

    let text: string
    try {
      text = await readFile(flags.input!, 'utf8')
    } catch (err) {
      process.stderr.write(`sre-agent detect anomalies: cannot read ${flags.input}: ${errorMessage(err)}\n`)
      return 1
    }
    let rows: ReturnType<typeof parseMetricCsv>
    try {
      rows = parseMetricCsv(text, { missing: flags.missing === 'skip' ? 'keep' : 'error', backwards: 'keep' })
    } catch (err) {
      if (!(err instanceof InvalidMetricSeriesError)) throw err
      process.stderr.write(`sre-agent detect anomalies: ${flags.input}: ${err.message} [${err.code}]\n`)
      return 1
    }
    const steps = backwardSteps(rows)
    if (steps.length > 0) {
      const { row, latest } = steps[0]!
      process.stderr.write(
        `sre-agent detect anomalies: ${flags.input}: line ${row.line} (${row.rawTimestamp}) is earlier than line ${latest.line} ` +
          `(${latest.rawTimestamp}); ${steps.length} row(s) stamped earlier than a row before them are scored in file order, as they arrived\n`,
      )
    }
    const scores = scoreMetricSeries(rows, { minHistory })
    const lines = rows.map((r, i) => `${r.rawTimestamp},${r.rawValue},${scores[i]?.score ?? ''}`)
    await writeFile(flags.out!, `timestamp,value,anomaly_score\n${lines.join('\n')}\n`)

    const missing = scores.filter((s) => s === null).length
    const strongest = rows
      .map((r, i) => ({ row: r, result: scores[i] }))
      .filter((p) => p.result && p.result.score > 0)
      .sort((a, b) => b.result!.score - a.result!.score)
      .slice(0, SUMMARY_TOP)
    const repeated = rows.filter((r, i) => i > 0 && r.timestamp === rows[i - 1]!.timestamp).length
    process.stdout.write(`${rows.length - missing} points scored${missing ? `, ${missing} without a value left unscored` : ''}; written to ${flags.out}\n`)
    if (repeated > 0) process.stdout.write(`${repeated} row(s) repeat the previous timestamp and were scored as further points, in file order\n`)
    if (rows.length - missing < minHistory)
      process.stdout.write(`fewer than ${minHistory} points: every score is 0 (the detector needs that much history; see --min-history)\n`)
    for (const p of strongest)
      process.stdout.write(`  ${p.row.rawTimestamp}  value ${p.row.rawValue}  score ${p.result!.score.toFixed(3)}  (${p.result!.signal})\n`)
    return 0
  },
}
export default command
