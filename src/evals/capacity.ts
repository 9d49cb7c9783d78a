import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseMetricCsv } from '../core/analysis/anomaly/parse-metric-csv'
import { readFlags, type CliCommand } from '../commands/command'
import { type ForecastScore, scorePeakForecasts, type SeriesScore } from './capacity/score-peak-forecasts'

const USAGE = 'sre-agent eval capacity --data <nab>/data [--categories realTweets,realTraffic,realAdExchange,artificialNoAnomaly,artificialWithAnomaly]'
const DEFAULT_CATEGORIES = 'realTweets,realTraffic,realAdExchange,artificialNoAnomaly,artificialWithAnomaly'

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: Math.abs(x) >= 100 ? 0 : 3 }) : '—'
}

function rel(s: ForecastScore, mae: number): string {
  return s.meanActual ? `${((mae / s.meanActual) * 100).toFixed(1)} %` : '—'
}

function row(name: string, s: ForecastScore): string {
  return `| ${name} | ${s.n} | ${fmt(s.mae)} (${rel(s, s.mae)}) | ${fmt(s.baselineMae)} (${rel(s, s.baselineMae)}) |`
}

/** Over series in different units: the mean of each series' MAE relative to its mean peak, and how many series ours wins. */
function overall(name: string, scores: ForecastScore[]): string {
  const used = scores.filter((s) => s.n > 0 && s.meanActual)
  const mean = (f: (s: ForecastScore) => number) => used.reduce((a, s) => a + f(s), 0) / used.length
  const ours = mean((s) => s.mae / s.meanActual) * 100
  const base = mean((s) => s.baselineMae / s.meanActual) * 100
  const wins = used.filter((s) => s.mae < s.baselineMae).length
  const forecasts = used.reduce((a, s) => a + s.n, 0)
  const label = `**${name}** (${used.length} series, ${forecasts} forecasts)`
  return `| ${label} | mean relative MAE | ${ours.toFixed(1)} % | ${base.toFixed(1)} % | ours better on ${wins}/${used.length} |`
}

const command: CliCommand = {
  summary: 'next-peak forecast of the capacity analysis on NAB series: MAE beside "same as yesterday" / "same as last week"',
  usage: USAGE,
  async run(args) {
    const flags = readFlags(args, { data: { required: true }, categories: { default: DEFAULT_CATEGORIES } })
    const results: Array<{ path: string; score: SeriesScore }> = []
    for (const category of flags.categories!.split(',').map((c) => c.trim())) {
      const files = (await readdir(join(flags.data!, category))).filter((f) => f.endsWith('.csv')).sort()
      for (const file of files) {
        const rows = parseMetricCsv(await readFile(join(flags.data!, category, file), 'utf8'), { backwards: 'keep' })
        results.push({ path: `${category}/${file}`, score: scorePeakForecasts(rows.map((r) => ({ at: new Date(r.timestamp), value: r.value }))) })
      }
    }
    const out: string[] = []
    out.push('Next day’s peak (hourly means), forecast from the days before it:', '')
    out.push('| series | forecasts | MAE ours (÷ mean peak) | MAE yesterday’s peak |', '|---|---:|---:|---:|')
    for (const r of results) out.push(row(r.path, r.score.daily))
    out.push('', 'Next seven days’ peak (what the sizing uses), forecast from the days before:', '')
    out.push('| series | forecasts | MAE ours (÷ mean peak) | MAE last 7 days’ peak |', '|---|---:|---:|---:|')
    for (const r of results) out.push(row(r.path, r.score.weekly))
    out.push('', '| | | ours | baseline | |', '|---|---|---:|---:|---|')
    out.push(
      overall(
        'next day',
        results.map((r) => r.score.daily),
      ),
    )
    out.push(
      overall(
        'next 7 days',
        results.map((r) => r.score.weekly),
      ),
    )
    const real = results.filter((r) => r.path.startsWith('real'))
    out.push(
      overall(
        'next day, real series only',
        real.map((r) => r.score.daily),
      ),
    )
    out.push(
      overall(
        'next 7 days, real series only',
        real.map((r) => r.score.weekly),
      ),
    )
    process.stdout.write(`${out.join('\n')}\n`)
    return 0
  },
}
export default command
