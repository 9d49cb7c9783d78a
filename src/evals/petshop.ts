import { parseCsv } from '../core/csv-text'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { readFlags, UsageError, type CliCommand } from '../commands/command'
import { CodedError } from '../core/errors'
import { DEFAULT_RCA_CONFIG, rankRootCauses, type RcaConfig } from '../core/analysis/rca/rank-root-causes'
import { expectedCalibrationError, inTopK } from '../core/analysis/rca/ranking-metrics'
import type { LatencyStatistic, RcaEdge, RcaPoint, RcaSignal, RootCauseReport, SeriesByNode } from '../core/analysis/rca/rca-types'

/** PetShop (Hardt et al., CLeaR 2024), published anomaly-traversal baseline on low traffic, train+test. */
const PUBLISHED_BASELINE = { latency: { top1: 0.57, top3: 0.57 }, availability: { top1: 0.83, top3: 1.0 } } as const

const targetSchema = z.object({
  target: z.object({ node: z.string().min(1), metric: z.enum(['latency', 'availability']), agg: z.string().min(1), timestamp: z.number().finite() }),
})
const rootCauseSchema = z.object({ root_cause: z.object({ node: z.string().min(1) }) })
type Target = z.infer<typeof targetSchema>['target']

export interface PetshopIssue {
  /** `<split>/issue_N`. */
  query: string
  split: 'train' | 'test'
  dir: string
}

export interface PetshopPrediction {
  query: string
  kind: Target['metric']
  report: RootCauseReport
}

/** `graph.csv`: an adjacency matrix whose row calls the column wherever the cell is non-zero. */
export function parsePetshopGraph(text: string, source = 'graph.csv'): RcaEdge[] {
  const [header, ...rows] = parseCsv(text)
  if (!header || header.length < 2) throw new CodedError('petshop_file_invalid', `${source}: no header row`)
  const callees = header.slice(1)
  const edges: RcaEdge[] = []
  for (const [i, row] of rows.entries()) {
    const [caller, ...cells] = row
    if (!caller || cells.length !== callees.length)
      throw new CodedError('petshop_file_invalid', `${source}: row ${i + 2} has ${cells.length} cells for ${callees.length} columns`)
    cells.forEach((cell, j) => {
      const v = Number(cell)
      if (!Number.isFinite(v)) throw new CodedError('petshop_file_invalid', `${source}: row ${i + 2}, column ${j + 2} is not a number`)
      if (v !== 0) edges.push({ from: caller, to: callees[j]! })
    })
  }
  return edges
}

/**
 * `metrics.csv`: three header rows (component, metric, statistic), a `unix_timestamp`
 * row, then one row per 5-minute point. Latency uses `latencyStatistic`, availability
 * (percent) becomes an error ratio, request sums become request counts.
 */
export function parsePetshopMetrics(text: string, latencyStatistic: string, source = 'metrics.csv'): SeriesByNode {
  const rows = parseCsv(text)
  const [nodes, metrics, statistics] = rows
  if (!nodes || !metrics || !statistics || nodes.length !== metrics.length || nodes.length !== statistics.length)
    throw new CodedError('petshop_file_invalid', `${source}: expected three header rows of equal length`)
  const data = rows.slice(3).filter((r) => r[0] !== 'unix_timestamp')
  const series = new Map<string, Map<RcaSignal, RcaPoint[]>>()
  for (let j = 1; j < nodes.length; j++) {
    const node = nodes[j]!
    const signal = signalOf(metrics[j]!, statistics[j]!, latencyStatistic)
    if (!signal) continue
    const points: RcaPoint[] = []
    for (const row of data) {
      const at = Number(row[0]) * 1000
      const cell = row[j] ?? ''
      // Empty cells mean no traffic in that interval: kept as NaN for the analysis to drop and count.
      const raw = cell === '' ? NaN : Number(cell)
      points.push({ at, value: signal === 'errors' ? 1 - raw / 100 : raw })
    }
    if (!series.has(node)) series.set(node, new Map())
    series.get(node)!.set(signal, points)
  }
  if (series.size === 0) throw new CodedError('petshop_file_invalid', `${source}: no latency, availability or requests columns`)
  return series
}

function signalOf(metric: string, statistic: string, latencyStatistic: string): RcaSignal | null {
  if (metric === 'latency') return statistic === latencyStatistic ? 'latency' : null
  if (metric === 'availability') return statistic === 'Average' ? 'errors' : null
  if (metric === 'requests') return statistic === 'Sum' ? 'requests' : null
  return null
}

/** PetShop's statistics: `Average`, or `pNN` percentiles. */
export function latencyStatisticOf(agg: string): LatencyStatistic {
  const percentile = /^p(\d{1,2})$/.exec(agg)
  return percentile ? { kind: 'quantile', q: Number(percentile[1]) / 100 } : { kind: 'mean' }
}

/** `train/issue_N` and `test/issue_N` folders, numerically ordered; a missing split is skipped. */
export async function listIssues(dataset: string): Promise<PetshopIssue[]> {
  const issues: PetshopIssue[] = []
  for (const split of ['train', 'test'] as const) {
    const entries = await readdir(join(dataset, split), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return []
      throw err
    })
    const dirs = entries.filter((d) => d.isDirectory() && /^issue_\d+$/.test(d.name))
    dirs.sort((a, b) => Number(a.name.slice(6)) - Number(b.name.slice(6)))
    for (const d of dirs) issues.push({ query: `${split}/${d.name}`, split, dir: join(dataset, split, d.name) })
  }
  return issues
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CodedError('petshop_file_missing', `${path} does not exist`)
    throw err
  }
}

/** The file's text, or null when it does not exist. */
async function readOptionalText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  let json: unknown
  try {
    json = JSON.parse(await readText(path))
  } catch (err) {
    if (err instanceof SyntaxError) throw new CodedError('petshop_file_invalid', `${path}: not JSON (${err.message})`)
    throw err
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success)
    throw new CodedError('petshop_file_invalid', `${path}: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`)
  return parsed.data
}

/** The alert only: this schema has no `root_cause`, so prediction cannot see it. */
export async function readAlertTarget(issueDir: string): Promise<Target> {
  return (await readJsonFile(join(issueDir, 'target.json'), targetSchema)).target
}

export function predictIssue(
  query: string,
  graph: readonly RcaEdge[],
  metrics: SeriesByNode,
  history: SeriesByNode | undefined,
  target: Target,
  config: RcaConfig = DEFAULT_RCA_CONFIG,
): PetshopPrediction {
  const report = rankRootCauses(
    {
      graph,
      series: metrics,
      ...(history ? { history } : {}),
      alert: { node: target.node, signal: target.metric === 'latency' ? 'latency' : 'errors', at: target.timestamp * 1000 },
      latencyStatistic: latencyStatisticOf(target.agg),
    },
    config,
  )
  return { query, kind: target.metric, report }
}

interface Score {
  n: number
  top1: number
  top3: number
}

function score(rows: ReadonlyArray<{ top1: boolean; top3: boolean }>): Score {
  const n = rows.length
  return { n, top1: n ? rows.filter((r) => r.top1).length / n : NaN, top3: n ? rows.filter((r) => r.top3).length / n : NaN }
}

/**
 * False-alarm check on `noissue/metrics.csv`: 5-point windows slid over normal operation,
 * each with an alert placed like the issues' (between its second and third point) and
 * the earlier normal points as history. Nothing is wrong, so the right answer is "not anomalous".
 */
export function falseAlarmCheck(
  graph: readonly RcaEdge[],
  normalText: string,
  targets: ReadonlyArray<Pick<Target, 'node' | 'metric' | 'agg'>>,
  useHistory: boolean,
  config: RcaConfig = DEFAULT_RCA_CONFIG,
) {
  const results: Array<{ metric: Target['metric']; status: RootCauseReport['status']; confidence: number }> = []
  for (const t of targets) {
    const all = parsePetshopMetrics(normalText, t.agg, 'noissue/metrics.csv')
    const times = [...new Set([...all.values()].flatMap((s) => [...s.values()].flatMap((p) => p.map((x) => x.at))))].sort((a, b) => a - b)
    const step = times.length > 1 ? times[1]! - times[0]! : 300_000
    // Every window has at least 100 points (or half the file) of normal history before it.
    for (let start = Math.min(100, Math.floor(times.length / 2)); start + 5 <= times.length; start += 5) {
      const from = times[start]!
      const to = times[start + 4]!
      const slice = (lo: number, hi: number) =>
        new Map([...all].map(([node, s]) => [node, new Map([...s].map(([sig, pts]) => [sig, pts.filter((p) => p.at >= lo && p.at <= hi)]))]))
      const report = rankRootCauses(
        {
          graph,
          series: slice(from, to),
          ...(useHistory ? { history: slice(-Infinity, from - 1) } : {}),
          alert: { node: t.node, signal: t.metric === 'latency' ? 'latency' : 'errors', at: from + 1.5 * step },
          latencyStatistic: latencyStatisticOf(t.agg),
        },
        config,
      )
      results.push({ metric: t.metric, status: report.status, confidence: report.confidence })
    }
  }
  return results
}

const command: CliCommand = {
  summary: 'root-cause localisation on PetShop (top-1/top-3 recall, ECE, false alarms)',
  usage:
    'sre-agent eval petshop --dataset <dir with graph.csv, train/, test/, noissue/> --predictions <out.jsonl> ' +
    '[--history noissue|none] [--anomaly-threshold 4] [--verbose true]',
  async run(args) {
    try {
      return await evaluate(args)
    } catch (err) {
      if (!(err instanceof CodedError) || err instanceof UsageError) throw err
      process.stderr.write(`sre-agent eval petshop: ${err.message} (${err.code})\n`)
      return 1
    }
  },
}
export default command

/** Predicts every issue from graph, metrics and alert; only then reads the answers and prints the figures. */
async function evaluate(args: string[]): Promise<number> {
  const flags = readFlags(args, {
    dataset: { required: true },
    predictions: { required: true },
    history: { default: 'noissue' },
    'anomaly-threshold': { default: String(DEFAULT_RCA_CONFIG.anomalyThreshold) },
    verbose: { default: 'false' },
  })
  if (flags.history !== 'noissue' && flags.history !== 'none') throw new UsageError('--history must be noissue or none')
  const threshold = Number(flags['anomaly-threshold'])
  if (!(threshold > 0)) throw new UsageError('--anomaly-threshold must be a positive number')
  const config: RcaConfig = { ...DEFAULT_RCA_CONFIG, anomalyThreshold: threshold }
  const dataset = flags.dataset!
  const graph = parsePetshopGraph(await readText(join(dataset, 'graph.csv')))
  // Some traffic scenarios ship an empty noissue/ folder: then there is no normal operation to learn from or to check against.
  const normalText = await readOptionalText(join(dataset, 'noissue', 'metrics.csv'))
  const history = normalText === null ? 'none' : flags.history
  const issues = await listIssues(dataset)
  if (issues.length === 0) throw new CodedError('petshop_dataset_empty', `no train/issue_N or test/issue_N folders under ${dataset}`)

  // 1. Predict from graph, metrics and the alert only.
  const predictions: PetshopPrediction[] = []
  const targets: Target[] = []
  const histories = new Map<string, SeriesByNode>()
  for (const issue of issues) {
    const target = await readAlertTarget(issue.dir)
    targets.push(target)
    let normal: SeriesByNode | undefined
    if (history === 'noissue' && normalText !== null) {
      normal = histories.get(target.agg) ?? parsePetshopMetrics(normalText, target.agg, 'noissue/metrics.csv')
      histories.set(target.agg, normal)
    }
    const metrics = parsePetshopMetrics(await readText(join(issue.dir, 'metrics.csv')), target.agg, `${issue.query}/metrics.csv`)
    predictions.push(predictIssue(issue.query, graph, metrics, normal, target, config))
  }
  await writeFile(
    flags.predictions!,
    predictions.map((p) => JSON.stringify({ query: p.query, ranked: p.report.ranked.map((c) => c.node), confidence: round(p.report.confidence) })).join('\n') +
      '\n',
  )

  // 2. Only now read the answers.
  const rows: Array<{
    split: string
    kind: Target['metric']
    top1: boolean
    top3: boolean
    confidence: number
    truth: string
    report: RootCauseReport
    query: string
  }> = []
  for (const [i, issue] of issues.entries()) {
    const truth = (await readJsonFile(join(issue.dir, 'target.json'), rootCauseSchema)).root_cause.node
    const p = predictions[i]!
    const ranked = p.report.ranked.map((c) => c.node)
    rows.push({
      split: issue.split,
      kind: p.kind,
      top1: inTopK(ranked, truth, 1),
      top3: inTopK(ranked, truth, 3),
      confidence: p.report.confidence,
      truth,
      report: p.report,
      query: p.query,
    })
  }

  const out = process.stdout
  out.write(`PetShop root-cause localisation: ${dataset}\n`)
  out.write(
    `history: ${
      history === 'noissue'
        ? "noissue/metrics.csv (noise levels; levels come from each issue's own pre-alert points)"
        : `none (each issue's own pre-alert points only${normalText === null ? '; there is no noissue/metrics.csv' : ''})`
    }\n`,
  )
  out.write(`anomaly threshold: ${config.anomalyThreshold} noise units${config.anomalyThreshold === DEFAULT_RCA_CONFIG.anomalyThreshold ? ' (default)' : ''}\n`)
  out.write(`predictions: ${flags.predictions} (${predictions.length} issues)\n\n`)
  out.write(`${'split'.padEnd(12)}${'kind'.padEnd(14)}${'n'.padStart(4)}${'top-1'.padStart(8)}${'top-3'.padStart(8)}   published baseline top-1/top-3\n`)
  for (const split of ['train', 'test', 'train+test']) {
    for (const kind of ['latency', 'availability'] as const) {
      const s = score(rows.filter((r) => (split === 'train+test' || r.split === split) && r.kind === kind))
      const b = PUBLISHED_BASELINE[kind]
      out.write(
        `${split.padEnd(12)}${kind.padEnd(14)}${String(s.n).padStart(4)}${fmt(s.top1).padStart(8)}${fmt(s.top3).padStart(8)}   ` +
          `${split === 'train+test' ? `${fmt(b.top1)}/${fmt(b.top3)}` : ''}\n`,
      )
    }
  }
  const calibration = expectedCalibrationError(rows.map((r) => ({ confidence: r.confidence, correct: r.top1 })))
  const meanConfidence = rows.reduce((s, r) => s + r.confidence, 0) / rows.length
  out.write(
    `\nconfidence of the top candidate: mean ${fmt(meanConfidence)}, ` +
      `top-1 accuracy ${fmt(rows.filter((r) => r.top1).length / rows.length)}, ECE (10 bins) ${fmt(calibration.ece)}\n`,
  )
  for (const b of calibration.bins.filter((b) => b.count > 0))
    out.write(
      `  confidence ${b.from.toFixed(1)}-${b.to.toFixed(1)}: ${b.count} issue(s), ` +
        `mean confidence ${fmt(b.meanConfidence)}, top-1 accuracy ${fmt(b.accuracy)}\n`,
    )

  const checks = normalText === null ? [] : falseAlarmCheck(graph, normalText, uniqueTargets(targets), history === 'noissue', config)
  if (normalText === null) out.write('\nfalse-alarm check skipped: the dataset has no noissue/metrics.csv (normal operation)\n')
  else out.write(`\nfalse-alarm check on noissue/metrics.csv (${checks.length} windows of normal operation, alert placed as in the issues):\n`)
  for (const kind of ['latency', 'availability'] as const) {
    const k = checks.filter((c) => c.metric === kind)
    const ranked = k.filter((c) => c.status === 'ranked')
    if (k.length === 0) continue
    out.write(
      `  ${kind.padEnd(13)} ${k.length} windows: ${k.length - ranked.length} answered "alert not anomalous" ` +
        `(specificity ${fmt((k.length - ranked.length) / k.length)}), ${ranked.length} ranked a cause ` +
        `(mean confidence ${ranked.length ? fmt(ranked.reduce((s, c) => s + c.confidence, 0) / ranked.length) : 'n/a'})\n`,
    )
  }

  if (flags.verbose === 'true') {
    out.write('\nper issue (truth, then the top three with their share):\n')
    for (const r of rows) {
      const top = r.report.ranked
        .slice(0, 3)
        .map((c) => `${c.node} ${fmt(c.share)}`)
        .join(' | ')
      out.write(`  ${r.query.padEnd(16)} ${r.kind.padEnd(13)} ${r.top1 ? 'top1' : r.top3 ? 'top3' : 'miss'} truth=${r.truth}  [${r.report.status}] ${top}\n`)
    }
  }
  return 0
}

function uniqueTargets(targets: readonly Target[]): Array<Pick<Target, 'node' | 'metric' | 'agg'>> {
  const seen = new Map<string, Pick<Target, 'node' | 'metric' | 'agg'>>()
  for (const t of targets) seen.set(`${t.node}|${t.metric}|${t.agg}`, { node: t.node, metric: t.metric, agg: t.agg })
  return [...seen.values()]
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : 'n/a'
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4
}
