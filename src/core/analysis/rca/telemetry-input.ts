import { MINUTE_MS } from '../../durations'
import type { MetricKind, MetricSeries, ServiceNode, TelemetryPort, TimeWindow } from '../../telemetry/port'
import { TelemetryQueryError } from '../../telemetry/port'
import { canSliceMetricSeries, sliceMetricSeries } from '../../telemetry/slice-metric-series'
import { typicalStep } from './clean-series'
import { InvalidRcaInputError } from './invalid-rca-input-error'
import type { RcaAlert, RcaEdge, RcaInput, RcaPoint, RcaSignal } from './rca-types'

/** Utilisation ratios whose point-wise maximum is a service's saturation (its most constrained resource). */
const SATURATION_KINDS = [
  'cpu_utilization',
  'memory_utilization',
  'db_connections_used_ratio',
  'disk_used_ratio',
  'quota_used_ratio',
] as const satisfies readonly MetricKind[]

/** The metric kinds root-cause ranking asks every service for. */
export const RCA_METRIC_KINDS: readonly MetricKind[] = ['latency_p95_ms', 'error_rate', 'request_rate', ...SATURATION_KINDS]

export interface TelemetryAlert {
  service: string
  metric: MetricKind
  /** When the alerting condition started (not when the notification went out). */
  at: Date
}

/** What an alert on `metric` means to the ranking; only latency and error alerts can be localised. */
export function alertSignalOf(metric: MetricKind): RcaAlert['signal'] | null {
  if (metric === 'latency_p95_ms') return 'latency'
  if (metric === 'error_rate') return 'errors'
  return null
}

/**
 * Turns what a TelemetryPort returns into a ranking input: `services()` becomes the call
 * graph, request rates (per second) become requests per point, the utilisation ratios
 * of a service merge into one saturation series. Pure: the caller does the fetching.
 */
export function rcaInputFromTelemetry(args: {
  services: ReadonlyArray<{ name: string; dependsOn: readonly string[] }>
  series: readonly MetricSeries[]
  history?: readonly MetricSeries[]
  alert: TelemetryAlert
}): RcaInput {
  const signal = alertSignalOf(args.alert.metric)
  if (!signal)
    throw new InvalidRcaInputError(`root causes are ranked for latency and error-rate alerts, not ${args.alert.metric}`, { metric: args.alert.metric })
  const graph: RcaEdge[] = args.services.flatMap((s) => s.dependsOn.map((to) => ({ from: s.name, to })))
  return {
    graph,
    series: toSeriesByNode(args.series),
    ...(args.history && args.history.length > 0 ? { history: toSeriesByNode(args.history) } : {}),
    alert: { node: args.alert.service, signal, at: args.alert.at.getTime() },
    latencyStatistic: { kind: 'quantile', q: 0.95 },
  }
}

function toSeriesByNode(all: readonly MetricSeries[]): Map<string, Map<RcaSignal, RcaPoint[]>> {
  const byNode = new Map<string, Map<RcaSignal, RcaPoint[]>>()
  const saturation = new Map<string, RcaPoint[][]>()
  for (const s of all) {
    const points = s.points.map((p) => ({ at: p.at.getTime(), value: p.value }))
    if (!byNode.has(s.service)) byNode.set(s.service, new Map())
    const node = byNode.get(s.service)!
    if (s.metric === 'latency_p95_ms') node.set('latency', points)
    else if (s.metric === 'error_rate') node.set('errors', points)
    else if (s.metric === 'request_rate') {
      // Rates per second times the point's interval: the requests each point covers.
      const stepSeconds = (typicalStep(points) ?? MINUTE_MS) / 1000
      node.set(
        'requests',
        points.map((p) => ({ at: p.at, value: p.value * stepSeconds })),
      )
    } else if ((SATURATION_KINDS as readonly string[]).includes(s.metric)) saturation.set(s.service, [...(saturation.get(s.service) ?? []), points])
  }
  for (const [service, lists] of saturation) byNode.get(service)!.set('saturation', pointwiseMax(lists))
  return byNode
}

function pointwiseMax(lists: readonly RcaPoint[][]): RcaPoint[] {
  const max = new Map<number, number>()
  for (const list of lists) for (const p of list) if (Number.isFinite(p.value)) max.set(p.at, Math.max(max.get(p.at) ?? -Infinity, p.value))
  return [...max].sort((a, b) => a[0] - b[0]).map(([at, value]) => ({ at, value }))
}

export interface GatherOptions {
  /** Minutes before the alert fetched as the recent baseline. */
  beforeMinutes: number
  /** Minutes after the alert fetched (capped at `now`). */
  afterMinutes: number
  stepSeconds: number
  /** Optional earlier window of normal operation for noise levels (e.g. the day before), fetched at the same step. */
  history?: { start: Date; end: Date }
  now: Date
}

/**
 * Fetches what the ranking needs through the port: the alerting service and every
 * service it depends on, directly or not, each for the RCA metric kinds it exports.
 * A kind a service does not export is skipped, not fatal.
 */
export async function gatherRcaInput(
  telemetry: TelemetryPort,
  alert: TelemetryAlert,
  options: GatherOptions,
): Promise<{ input: RcaInput; skipped: string[]; edges: GraphEdgeSources | null }> {
  const services = await telemetry.services()
  const dependsOn = new Map(services.map((s) => [s.name, s.dependsOn]))
  const involved: string[] = [alert.service]
  for (let i = 0; i < involved.length; i++) for (const d of dependsOn.get(involved[i]!) ?? []) if (!involved.includes(d)) involved.push(d)
  const start = new Date(alert.at.getTime() - options.beforeMinutes * MINUTE_MS)
  const end = new Date(Math.min(options.now.getTime(), alert.at.getTime() + options.afterMinutes * MINUTE_MS))
  const skipped: string[] = []
  const step = options.stepSeconds
  const ask = async (service: string, metric: MetricKind, window: TimeWindow): Promise<MetricSeries | null> => {
    try {
      return await telemetry.metrics({ service, metric, start: window.start, end: window.end, stepSeconds: step })
    } catch (err) {
      if (!(err instanceof TelemetryQueryError)) throw err
      skipped.push(`${service} ${metric}`)
      return null
    }
  }
  const queries = involved.flatMap((service) => RCA_METRIC_KINDS.map((metric) => ({ service, metric })))
  const found = (all: Array<MetricSeries | null>) => all.filter((r): r is MetricSeries => r !== null)
  const recent = { start, end }
  let series: MetricSeries[]
  let history: MetricSeries[] | undefined
  if (options.history && canSliceMetricSeries(telemetry.metricGrid, step) && adjoins(options.history, recent, step)) {
    // One query per series covering both windows, cut in two: half the calls for the same points.
    const grid = telemetry.metricGrid
    const both = {
      start: new Date(Math.min(start.getTime(), options.history.start.getTime())),
      end: new Date(Math.max(end.getTime(), options.history.end.getTime())),
    }
    const answers = await Promise.all(queries.map(({ service, metric }) => ask(service, metric, both)))
    series = found(answers).map((s) => sliceMetricSeries(s, recent, grid, step))
    history = found(answers).map((s) => sliceMetricSeries(s, options.history!, grid, step))
  } else {
    series = found(await Promise.all(queries.map(({ service, metric }) => ask(service, metric, recent))))
    history = options.history ? found(await Promise.all(queries.map(({ service, metric }) => ask(service, metric, options.history!)))) : undefined
  }
  const input = rcaInputFromTelemetry({ services: services.filter((s) => involved.includes(s.name)), series, ...(history ? { history } : {}), alert })
  return { input, skipped: [...new Set(skipped)], edges: edgeSources(services.filter((s) => involved.includes(s.name))) }
}

/** Which edges of the walked graph traces showed and which are only declared; null when the provider does not say. */
export interface GraphEdgeSources {
  observed: string[]
  declaredOnly: string[]
}

function edgeSources(services: readonly ServiceNode[]): GraphEdgeSources | null {
  if (!services.some((s) => s.dependencies)) return null
  const observed: string[] = []
  const declaredOnly: string[] = []
  for (const s of services) for (const d of s.dependencies ?? []) (d.source === 'declared' ? declaredOnly : observed).push(`${s.name} → ${d.to}`)
  return { observed, declaredOnly }
}

/** Whether two (valid) windows overlap or are at most a step apart, so one query covering both asks for no point more than the two would. */
function adjoins(a: TimeWindow, b: TimeWindow, stepSeconds: number): boolean {
  if (!(a.start <= a.end && b.start <= b.end)) return false
  const gapMs = Math.max(a.start.getTime(), b.start.getTime()) - Math.min(a.end.getTime(), b.end.getTime())
  return gapMs <= stepSeconds * 1000
}
