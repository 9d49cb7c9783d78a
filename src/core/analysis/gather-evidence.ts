import { withDeadline } from '../deadline'
import type { ErrorGroupStats, LogEntry, MetricKind, MetricSeries, TelemetryPort, TraceSummary } from '../telemetry/port'
import { errorGroupLink, logsExplorerLink, metricsExplorerLink, traceLink } from './console-links'
import type { EvidenceItem } from './evidence'
import { formatMetricValue, summarize } from './series-stats'

/** Metrics where higher means worse; each is asked of the service and its direct dependencies. */
const WATCHED_METRICS: MetricKind[] = [
  'latency_p95_ms',
  'error_rate',
  'db_connections_used_ratio',
  'memory_utilization',
  'cpu_utilization',
  'quota_used_ratio',
  'pubsub_backlog',
  'disk_used_ratio',
]

/** Saturation metrics are alarming at a level, whatever their baseline. */
const SATURATION_LEVEL: Partial<Record<MetricKind, number>> = {
  db_connections_used_ratio: 0.9,
  memory_utilization: 0.9,
  quota_used_ratio: 0.95,
  disk_used_ratio: 0.9,
}

export interface MetricFinding {
  service: string
  metric: MetricKind
  unit: string
  current: number
  baseline: number
  ratio: number
  anomalous: boolean
}

export interface GatheredEvidence {
  items: EvidenceItem[]
  metrics: MetricFinding[]
  logs: LogEntry[]
  errors: ErrorGroupStats[]
  traces: TraceSummary[]
  /** Services whose telemetry was examined: the incident's service, then its dependencies. */
  services: string[]
  sourcesAnswered: Array<'metrics' | 'logs' | 'errors' | 'traces'>
  sourcesMissing: Array<{ source: 'metrics' | 'logs' | 'errors' | 'traces'; reason: string }>
  window: { start: Date; end: Date }
}

export interface GatherOptions {
  service: string
  startedAt: Date
  now: Date
  projectId: string
  /** Per-source deadline: a slow source is reported missing instead of holding the analysis. */
  deadlineMs?: number
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Pulls metrics, logs, errors and traces around the incident in parallel, compares
 * the incident window with the hour before it, and returns what it has even when a
 * source is slow or down (that source is listed as missing).
 */
export async function gatherEvidence(telemetry: TelemetryPort, options: GatherOptions): Promise<GatheredEvidence> {
  const deadlineMs = options.deadlineMs ?? 5_000
  const windowStart = new Date(options.startedAt.getTime() - 10 * 60_000)
  const window = { start: windowStart, end: options.now }
  const baseline = { start: new Date(windowStart.getTime() - 70 * 60_000), end: new Date(windowStart.getTime() - 10 * 60_000) }

  const topology = await withDeadline(telemetry.services(), deadlineMs).catch(() => [])
  const dependencies = topology.find((s) => s.name === options.service)?.dependsOn ?? []
  const services = [options.service, ...dependencies]

  const metricsTask = withDeadline(collectMetrics(telemetry, services, window, baseline), deadlineMs)
  // Rollouts log at INFO, so they are asked for separately from the warnings.
  const deployWindow = { start: new Date(windowStart.getTime() - 30 * 60_000), end: window.end }
  const logsTask = withDeadline(
    Promise.all([
      ...services.map((service) => telemetry.logs({ service, ...window, minSeverity: 'WARNING', limit: 200 })),
      telemetry.logs({ service: options.service, ...deployWindow, contains: 'deployed', minSeverity: 'INFO', limit: 20 }),
    ]).then((r) => r.flat()),
    deadlineMs,
  )
  const errorsTask = withDeadline(
    Promise.all(services.map((service) => telemetry.errors({ service, ...window }))).then((r) => r.flat()),
    deadlineMs,
  )
  const tracesTask = withDeadline(telemetry.traces({ service: options.service, ...window, limit: 20 }), deadlineMs)

  const [metrics, logs, errors, traces] = await Promise.allSettled([metricsTask, logsTask, errorsTask, tracesTask])
  const result: GatheredEvidence = {
    items: [],
    metrics: [],
    logs: [],
    errors: [],
    traces: [],
    services,
    sourcesAnswered: [],
    sourcesMissing: [],
    window,
  }
  const { projectId } = options

  if (metrics.status === 'fulfilled') {
    result.sourcesAnswered.push('metrics')
    result.metrics = metrics.value
    for (const f of metrics.value.filter((m) => m.anomalous).sort((a, b) => b.ratio - a.ratio).slice(0, 6)) {
      result.items.push({
        source: 'metrics',
        title: `${f.service} ${f.metric}`,
        detail: `${formatMetricValue(f.current, f.unit)} now vs ${formatMetricValue(f.baseline, f.unit)} in the hour before (${f.ratio.toFixed(1)}×)`,
        link: metricsExplorerLink(projectId, f.service, f.metric, baseline.start, window.end),
        anomalous: true,
        data: { ...f },
      })
    }
    if (!metrics.value.some((m) => m.anomalous)) {
      result.items.push({ source: 'metrics', title: 'Metrics within normal range', detail: `${metrics.value.length} series of ${services.join(', ')} checked against the previous hour`, link: null, anomalous: false, data: {} })
    }
  } else {
    result.sourcesMissing.push({ source: 'metrics', reason: errorMessage(metrics.reason) })
  }

  if (logs.status === 'fulfilled') {
    result.sourcesAnswered.push('logs')
    result.logs = logs.value
    const errorsOnly = logs.value.filter((l) => l.severity === 'ERROR' || l.severity === 'CRITICAL')
    const top = topMessages(errorsOnly.length ? errorsOnly : logs.value, 3)
    result.items.push({
      source: 'logs',
      title: `${errorsOnly.length} error log entries (${logs.value.length} warnings and above)`,
      detail: top.length ? top.map((t) => `${t.count}× ${t.service}: ${t.message}`).join('\n') : 'no warnings or errors in the window',
      link: logsExplorerLink(projectId, `resource.labels.container_name=(${services.map((s) => `"${s}"`).join(' OR ')})\nseverity>=WARNING`, window.start, window.end),
      anomalous: errorsOnly.length >= 5,
      data: { errorCount: errorsOnly.length, total: logs.value.length, top },
    })
  } else {
    result.sourcesMissing.push({ source: 'logs', reason: errorMessage(logs.reason) })
  }

  if (errors.status === 'fulfilled') {
    result.sourcesAnswered.push('errors')
    result.errors = errors.value
    for (const group of [...errors.value].sort((a, b) => b.count - a.count).slice(0, 3)) {
      result.items.push({
        source: 'errors',
        title: `Error group on ${group.service}: ${group.count} events`,
        detail: `${group.message} (first seen ${group.firstSeen.toISOString()})`,
        link: errorGroupLink(projectId, group.groupId),
        anomalous: group.firstSeen >= window.start || group.count >= 10,
        data: { groupId: group.groupId, count: group.count },
      })
    }
  } else {
    result.sourcesMissing.push({ source: 'errors', reason: errorMessage(errors.reason) })
  }

  if (traces.status === 'fulfilled') {
    result.sourcesAnswered.push('traces')
    result.traces = traces.value
    const slowest = [...traces.value].sort((a, b) => b.latencyMs - a.latencyMs)[0]
    if (slowest) {
      const span = slowest.spans[0]
      result.items.push({
        source: 'traces',
        title: `Slowest trace ${formatMetricValue(slowest.latencyMs, 'ms')}`,
        detail: span ? `most time in ${span.service} (${span.name}, ${formatMetricValue(span.latencyMs, 'ms')})` : 'no spans recorded',
        link: traceLink(projectId, slowest.traceId),
        anomalous: Boolean(span && span.service !== options.service),
        data: { traceId: slowest.traceId, slowestSpanService: span?.service ?? null },
      })
    }
  } else {
    result.sourcesMissing.push({ source: 'traces', reason: errorMessage(traces.reason) })
  }
  return result
}

async function collectMetrics(
  telemetry: TelemetryPort,
  services: string[],
  window: { start: Date; end: Date },
  baseline: { start: Date; end: Date },
): Promise<MetricFinding[]> {
  const queries = services.flatMap((service) => WATCHED_METRICS.map((metric) => ({ service, metric })))
  const findings = await Promise.all(
    queries.map(async ({ service, metric }) => {
      let now: MetricSeries
      let before: MetricSeries
      try {
        ;[now, before] = await Promise.all([
          telemetry.metrics({ service, metric, ...window, stepSeconds: 60 }),
          telemetry.metrics({ service, metric, ...baseline, stepSeconds: 60 }),
        ])
      } catch (err) {
        // A metric a service does not export is not evidence either way.
        if ((err as { code?: string }).code === 'telemetry_query_invalid') return null
        throw err
      }
      const current = summarize(now.points.map((p) => p.value)).p95
      const base = summarize(before.points.map((p) => p.value)).mean
      if (!Number.isFinite(current) || !Number.isFinite(base)) return null
      const ratio = base > 0 ? current / base : current > 0 ? Infinity : 1
      const level = SATURATION_LEVEL[metric]
      const anomalous = (ratio >= 1.5 && current - base > Math.abs(base) * 0.2 && (level === undefined || current >= level * 0.6)) || (level !== undefined && current >= level)
      return { service, metric, unit: now.unit, current, baseline: base, ratio: Number.isFinite(ratio) ? ratio : 99, anomalous }
    }),
  )
  return findings.filter((f): f is MetricFinding => f !== null)
}

function topMessages(entries: LogEntry[], n: number): Array<{ service: string; message: string; count: number }> {
  const counts = new Map<string, { service: string; message: string; count: number }>()
  for (const e of entries) {
    // Group by shape: numbers, ids and addresses vary between otherwise identical lines.
    const shape = e.message.replace(/\b[0-9a-f]{8,}\b/gi, '<id>').replace(/\d+(\.\d+)*/g, '<n>')
    const key = `${e.service}\u0000${shape}`
    const entry = counts.get(key) ?? { service: e.service, message: e.message.slice(0, 200), count: 0 }
    entry.count++
    counts.set(key, entry)
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, n)
}
