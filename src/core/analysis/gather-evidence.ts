import { withDeadline } from '../deadline'
import { hasErrorCode } from '../errors'
import type { LogSample } from './logs/log-pattern-shifts'
import { findAnomalyEpisodes, INCIDENT_EPISODE_RULE } from './anomaly/anomaly-episodes'
import type { AlertConditionSummary, AlertPolicySummary, ErrorGroupStats, LogAnswer, LogEntry, MetricKind, MetricSeries, TelemetryPort, TraceSummary } from '../telemetry/port'
import { errorGroupLink, logsExplorerLink, metricsExplorerLink, traceLink } from './console-links'
import type { EvidenceItem } from './evidence'
import { utcTime } from './scan/metric-warnings'
import { formatMetricValue, summarize } from './series-stats'
import { SATURATION_LEVEL, WATCHED_METRICS } from './watched-metrics'

/** Past these a fetch is cut short, so its buckets do not count as fetched whole. */
const WINDOW_WARNINGS_LIMIT = 1_000
const EARLIER_WARNINGS_LIMIT = 1_000

/** Whether a logs answer holds every entry of its window: under the limit, and not trimmed after a fetch the limit stopped. */
function readWhole(answer: LogAnswer, limit: number): boolean {
  return !answer.cutShort && answer.length < limit
}

export interface MetricFinding {
  service: string
  metric: MetricKind
  unit: string
  current: number
  baseline: number
  ratio: number
  anomalous: boolean
  /** Time of the newest point in the incident window: how current this series is. */
  newestAt: Date | null
  /** Highest surprise of the detector's first upward episode reaching into the window, in [0, 1]; 0 without one (or when the window is under 1.2× its baseline and its level, where the detector is not run). */
  anomalyScore: number
  /** First point of that run, when the finding is anomalous: when the metric became so (it may precede the window). */
  anomalousSince: Date | null
}

export type TelemetrySource = 'metrics' | 'logs' | 'errors' | 'traces'

/** A source that answered for some services and not others. */
export interface PartialSource {
  source: TelemetrySource
  /** Services whose every query answered, of those asked. */
  servicesAnswered: number
  servicesAsked: number
  failed: Array<{ service: string; what: string; reason: string }>
  /** One line for the trail: "logs: 2 of 3 services answered; inventory: RESOURCE_EXHAUSTED". */
  note: string
}

export interface GatheredEvidence {
  items: EvidenceItem[]
  metrics: MetricFinding[]
  logs: LogEntry[]
  errors: ErrorGroupStats[]
  traces: TraceSummary[]
  /** Services whose telemetry was examined: the incident's service, then its dependencies. */
  services: string[]
  sourcesAnswered: TelemetrySource[]
  /** Sources of which nothing answered. */
  sourcesMissing: Array<{ source: TelemetrySource; reason: string }>
  /** Sources that answered, but not for every service. */
  sourcesPartial: PartialSource[]
  /** The policy that fired, when the provider can look it up and the incident names one. */
  alertPolicy: AlertPolicySummary | null
  window: { start: Date; end: Date }
  /** The service's own warnings in the window and the hour before (null where not answered), for the log pattern comparison. */
  ownWarnings: { now: LogSample; before: LogSample | null } | null
  /** When the service's deploy log lines say it was deployed. */
  deploys: Date[]
}

export interface GatherOptions {
  service: string
  startedAt: Date
  now: Date
  projectId: string
  /**
   * Deadline of every query (they start together, so it bounds each source): a slow query is
   * reported as not answered instead of holding the analysis.
   */
  deadlineMs?: number
  /** The alert policy of the incident (display or resource name), looked up when the provider can. */
  policyName?: string | null
}

/** One question asked of a source about one service. */
interface Asked<T> {
  service: string
  what: string
  result: PromiseSettledResult<T>
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * The status of a failure, short enough for the trail: a `status` field, else the status word of
 * a "<API>: <STATUS>: detail" message (how provider errors read after crossing the shared cache).
 */
function shortReason(err: unknown): string {
  const status = (err as { status?: unknown } | null)?.status
  if (typeof status === 'string' && /^[A-Z][A-Z_]+$/.test(status)) return status
  const message = errorMessage(err)
  const named = /^[\w .-]{1,40}: ([A-Z][A-Z_]{3,}): /.exec(message)
  if (named) return named[1]!
  return message.length > 100 ? `${message.slice(0, 99)}…` : message
}

/** Asks one question; `asker` names it when it gives no answer within the deadline. */
async function ask<T>(service: string, what: string, work: () => Promise<T>, deadlineMs: number, asker: string): Promise<Asked<T>> {
  // A provider that throws synchronously fails its own query, not the whole gathering.
  const [result] = await Promise.allSettled([withDeadline(Promise.resolve().then(work), deadlineMs, asker)])
  return { service, what, result: result! }
}

/**
 * Tallies the answers of one source by service. The source is missing only when nothing
 * answered; when some services did not, it is partial and says which and why.
 */
function tally<T>(source: TelemetrySource, asked: Array<Asked<T>>, services: string[]): { values: T[]; missing: string | null; partial: PartialSource | null } {
  const values: T[] = []
  const failed: PartialSource['failed'] = []
  for (const a of asked) {
    if (a.result.status === 'fulfilled') values.push(a.result.value)
    else failed.push({ service: a.service, what: a.what, reason: errorMessage(a.result.reason) })
  }
  if (failed.length === 0) return { values, missing: null, partial: null }
  if (values.length === 0) {
    const reasons = [...new Set(failed.map((f) => f.reason))]
    return { values, missing: reasons.length > 2 ? `${reasons.slice(0, 2).join('; ')}; and ${reasons.length - 2} other failures` : reasons.join('; '), partial: null }
  }
  const shortOf = new Map(asked.filter((a) => a.result.status === 'rejected').map((a) => [a, shortReason((a.result as PromiseRejectedResult).reason)]))
  const askedOf = (service: string) => asked.filter((a) => a.service === service)
  const failing = services.filter((s) => askedOf(s).some((a) => a.result.status === 'rejected'))
  const asking = services.filter((s) => askedOf(s).length > 0)
  const parts = failing.map((service) => {
    const all = askedOf(service)
    const bad = all.filter((a) => a.result.status === 'rejected')
    const reasons = [...new Set(bad.map((a) => shortOf.get(a)!))].join(', ')
    if (bad.length === all.length) return `${service}: ${reasons}`
    const which = bad.length <= 2 ? bad.map((a) => a.what).join(', ') : `${bad.length} of ${all.length} queries`
    return `${service} (${which}): ${reasons}`
  })
  const servicesAnswered = asking.length - failing.length
  return {
    values,
    missing: null,
    partial: { source, servicesAnswered, servicesAsked: asking.length, failed, note: `${source}: ${servicesAnswered} of ${asking.length} services answered; ${parts.join('; ')}` },
  }
}

/**
 * Pulls metrics, logs, errors and traces around the incident in parallel (and the alert policy
 * that fired, when the provider can look it up), compares the incident window with the hour
 * before it, and returns what it has: a query that fails or is slow costs only its own answer;
 * a source is listed as missing when none of its queries answered, as partial when some did not.
 */
export async function gatherEvidence(telemetry: TelemetryPort, options: GatherOptions): Promise<GatheredEvidence> {
  const deadlineMs = options.deadlineMs ?? 5_000
  const windowStart = new Date(options.startedAt.getTime() - 10 * 60_000)
  const window = { start: windowStart, end: options.now }
  const baseline = { start: new Date(windowStart.getTime() - 70 * 60_000), end: new Date(windowStart.getTime() - 10 * 60_000) }

  const policyName = options.policyName?.trim()
  const policyTask = policyName && telemetry.alertPolicy ? ask(options.service, 'alert policy', () => telemetry.alertPolicy!({ policyName }), deadlineMs, 'the alert policy lookup') : null

  const topology = await withDeadline(telemetry.services(), deadlineMs).catch(() => [])
  const dependencies = topology.find((s) => s.name === options.service)?.dependsOn ?? []
  const services = [options.service, ...dependencies]

  const metricsTask = collectMetrics(telemetry, services, window, baseline, deadlineMs)
  // Rollouts log at INFO, so they are asked for separately from the warnings.
  const deployWindow = { start: new Date(windowStart.getTime() - 30 * 60_000), end: window.end }
  const logsTask = Promise.all([
    ...services.map((service) => ask(service, 'warnings', () => telemetry.logs({ service, ...window, minSeverity: 'WARNING', limit: WINDOW_WARNINGS_LIMIT }), deadlineMs, 'logs')),
    ask(options.service, 'deploy logs', () => telemetry.logs({ service: options.service, ...deployWindow, contains: 'deployed', minSeverity: 'INFO', limit: 20 }), deadlineMs, 'logs'),
  ])
  // The hour before, for the service itself: what its warnings looked like when things were fine.
  const earlierLogsTask = ask(options.service, 'earlier warnings', () => telemetry.logs({ service: options.service, ...baseline, minSeverity: 'WARNING', limit: EARLIER_WARNINGS_LIMIT }), deadlineMs, 'logs')
  const errorsTask = Promise.all(services.map((service) => ask(service, 'error groups', () => telemetry.errors({ service, ...window }), deadlineMs, 'errors')))
  const tracesTask = Promise.all([ask(options.service, 'slowest traces', () => telemetry.traces({ service: options.service, ...window, limit: 20 }), deadlineMs, 'traces')])

  const [metricsAsked, logsAsked, errorsAsked, tracesAsked, policyAsked, earlierLogs] = await Promise.all([metricsTask, logsTask, errorsTask, tracesTask, policyTask, earlierLogsTask])
  const result: GatheredEvidence = {
    items: [],
    metrics: [],
    logs: [],
    errors: [],
    traces: [],
    services,
    sourcesAnswered: [],
    sourcesMissing: [],
    sourcesPartial: [],
    alertPolicy: null,
    window,
    ownWarnings: null,
    deploys: [],
  }
  const { projectId } = options
  const settle = <T>(source: TelemetrySource, asked: Array<Asked<T>>): T[] | null => {
    const { values, missing, partial } = tally(source, asked, services)
    if (missing !== null) {
      result.sourcesMissing.push({ source, reason: missing })
      return null
    }
    result.sourcesAnswered.push(source)
    if (partial) result.sourcesPartial.push(partial)
    return values
  }
  const notePartial = (source: TelemetrySource) => {
    const partial = result.sourcesPartial.find((p) => p.source === source)
    if (!partial) return
    result.items.push({
      source,
      title: partial.note,
      detail: partial.failed.map((f) => `${f.service} ${f.what}: ${f.reason}`).join('\n'),
      link: null,
      anomalous: false,
      data: { servicesAnswered: partial.servicesAnswered, servicesAsked: partial.servicesAsked, failed: partial.failed.map((f) => ({ ...f })) },
    })
  }

  if (policyAsked) {
    if (policyAsked.result.status === 'fulfilled') {
      result.alertPolicy = policyAsked.result.value
      if (result.alertPolicy) result.items.push(alertPolicyItem(result.alertPolicy))
    } else {
      result.items.push({ source: 'metrics', title: `Alert policy ${policyName}: not read`, detail: errorMessage(policyAsked.result.reason), link: null, anomalous: false, data: { policyName } })
    }
  }

  const metrics = settle('metrics', metricsAsked)
  if (metrics) {
    const findings = metrics.filter((m): m is MetricFinding => m !== null)
    result.metrics = findings
    for (const f of findings.filter((m) => m.anomalous).sort((a, b) => b.ratio - a.ratio).slice(0, 6)) {
      result.items.push({
        source: 'metrics',
        title: `${f.service} ${f.metric}`,
        detail: `${formatMetricValue(f.current, f.unit)} now vs ${formatMetricValue(f.baseline, f.unit)} in the hour before (${f.ratio.toFixed(1)}×)${f.anomalousSince ? `; anomalous since ${utcTime(f.anomalousSince)}, score ${f.anomalyScore.toFixed(2)}` : ''}`,
        link: metricsExplorerLink(projectId, f.service, f.metric, f.anomalousSince && f.anomalousSince < baseline.start ? f.anomalousSince : baseline.start, window.end),
        anomalous: true,
        data: { ...f, anomalousSince: f.anomalousSince?.toISOString() ?? null },
      })
    }
    if (!findings.some((m) => m.anomalous)) {
      result.items.push({ source: 'metrics', title: 'Metrics within normal range', detail: `${findings.length} series of ${services.join(', ')} checked against the previous hour and scored by the anomaly detector over ${HISTORY_HOURS} h`, link: null, anomalous: false, data: {} })
    }
    notePartial('metrics')
  }

  const logAnswers = settle('logs', logsAsked)
  if (logAnswers) {
    const logs = logAnswers.flat()
    result.logs = logs
    const errorsOnly = logs.filter((l) => l.severity === 'ERROR' || l.severity === 'CRITICAL')
    const top = topMessages(errorsOnly.length ? errorsOnly : logs, 3)
    result.items.push({
      source: 'logs',
      title: `${errorsOnly.length} error log entries (${logs.length} warnings and above)`,
      detail: top.length ? top.map((t) => `${t.count}× ${t.service}: ${t.message}`).join('\n') : 'no warnings or errors in the window',
      link: logsExplorerLink(projectId, `resource.labels.container_name=(${services.map((s) => `"${s}"`).join(' OR ')})\nseverity>=WARNING`, window.start, window.end),
      anomalous: errorsOnly.length >= 5,
      data: { errorCount: errorsOnly.length, total: logs.length, top },
    })
    // The service's warnings are the first question asked, its deploys the last.
    const own = logsAsked[0]!.result
    const deploys = logsAsked[logsAsked.length - 1]!.result
    if (deploys.status === 'fulfilled') result.deploys = deploys.value.map((d) => d.at)
    if (own.status === 'fulfilled') {
      const before = earlierLogs.result
      result.ownWarnings = {
        now: { ...window, entries: own.value, complete: readWhole(own.value, WINDOW_WARNINGS_LIMIT) },
        before: before.status === 'fulfilled' ? { ...baseline, entries: before.value, complete: readWhole(before.value, EARLIER_WARNINGS_LIMIT) } : null,
      }
    }
    notePartial('logs')
  }

  const errorAnswers = settle('errors', errorsAsked)
  if (errorAnswers) {
    const errors = errorAnswers.flat()
    result.errors = errors
    for (const group of [...errors].sort((a, b) => b.count - a.count).slice(0, 3)) {
      result.items.push({
        source: 'errors',
        title: `Error group on ${group.service}: ${group.count} events`,
        detail: `${group.message} (first seen ${group.firstSeen.toISOString()})`,
        link: errorGroupLink(projectId, group.groupId),
        anomalous: group.firstSeen >= window.start || group.count >= 10,
        data: { groupId: group.groupId, count: group.count },
      })
    }
    notePartial('errors')
  }

  const traceAnswers = settle('traces', tracesAsked)
  if (traceAnswers) {
    const traces = traceAnswers.flat()
    result.traces = traces
    const slowest = [...traces].sort((a, b) => b.latencyMs - a.latencyMs)[0]
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
    notePartial('traces')
  }
  return result
}

/** Hours of history fetched with the window: the detector needs ~150 points to warm up, and the baseline hour is inside. */
const HISTORY_HOURS = 4
// Onsets are looked for this far into the window at most (the incident's start is near its beginning).
const DETECTOR_HOURS_INTO_WINDOW = 6
// A statistically surprising rise smaller than this is not worth naming as evidence.
const DETECTED_MIN_RATIO = 1.2

/**
 * Each watched metric of each service, now and in the hour before, from one query per series
 * that also carries the history the anomaly detector warms up on; null where the service does
 * not export it.
 */
async function collectMetrics(
  telemetry: TelemetryPort,
  services: string[],
  window: { start: Date; end: Date },
  baseline: { start: Date; end: Date },
  deadlineMs: number,
): Promise<Array<Asked<MetricFinding | null>>> {
  const queries = services.flatMap((service) => WATCHED_METRICS.map((metric) => ({ service, metric })))
  const history = { start: new Date(window.start.getTime() - HISTORY_HOURS * 3_600_000), end: window.end }
  return Promise.all(
    queries.map(({ service, metric }) =>
      ask(
        service,
        metric,
        async () => {
          let series: MetricSeries
          try {
            series = await telemetry.metrics({ service, metric, ...history, stepSeconds: 60 })
          } catch (err) {
            // A metric a service does not export is not evidence either way.
            if (hasErrorCode(err, 'telemetry_query_invalid')) return null
            throw err
          }
          return assessMetric(service, metric, series, window, baseline)
        },
        deadlineMs,
        'metrics',
      ),
    ),
  )
}

/**
 * Compares the window with the hour before (p95 against the mean), and dates the rise with the
 * streaming detector: the first run of surprising points that reaches into the window. A
 * saturation metric is anomalous at its level whatever its baseline; any metric at 1.5× its
 * baseline; a detected rise when it is also at least 1.2× (a tiny but unusual change is not evidence).
 */
function assessMetric(service: string, metric: MetricKind, series: MetricSeries, window: { start: Date; end: Date }, baseline: { start: Date; end: Date }): MetricFinding | null {
  const within = (w: { start: Date; end: Date }) => series.points.filter((p) => p.at >= w.start && p.at <= w.end).map((p) => p.value)
  const current = summarize(within(window)).p95
  const base = summarize(within(baseline)).mean
  if (!Number.isFinite(current) || !Number.isFinite(base)) return null
  const ratio = base > 0 ? current / base : current > 0 ? Infinity : 1
  const level = SATURATION_LEVEL[metric]
  const newestAt = series.points.reduce<Date | null>((newest, p) => (p.at <= window.end && (newest === null || p.at > newest) ? p.at : newest), null)
  const high = level === undefined || current >= level * 0.6
  const atLevel = level !== undefined && current >= level
  // Below 1.2× and under its level a series cannot be evidence, so the detector (~0.25 ms a series, more when cold) is spared.
  const episode =
    ratio >= DETECTED_MIN_RATIO || atLevel
      ? findAnomalyEpisodes(pointsToScore(series, window), INCIDENT_EPISODE_RULE).find((e) => e.lastAt >= window.start.getTime() && !(e.value <= e.valueBefore))
      : undefined
  const anomalous =
    (ratio >= 1.5 && current - base > Math.abs(base) * 0.2 && high) ||
    atLevel ||
    (episode !== undefined && ratio >= DETECTED_MIN_RATIO && high)
  return {
    service,
    metric,
    unit: series.unit,
    current,
    baseline: base,
    ratio: Number.isFinite(ratio) ? ratio : 99,
    anomalous,
    anomalyScore: episode?.score ?? 0,
    anomalousSince: anomalous && episode ? new Date(episode.onsetAt) : null,
    newestAt,
  }
}

/** The history and the first hours of the window: an incident analysed long after it began still costs a bounded few hundred points a series. */
function pointsToScore(series: MetricSeries, window: { start: Date; end: Date }): Array<{ at: number; value: number }> {
  const last = window.start.getTime() + DETECTOR_HOURS_INTO_WINDOW * 3_600_000
  return series.points.filter((p) => p.at.getTime() <= last).map((p) => ({ at: p.at.getTime(), value: p.value }))
}

const COMPARISON_WORDS: Record<string, string> = { '>': 'above', '>=': 'at or above', '<': 'below', '<=': 'at or below', '==': 'equal to', '!=': 'not equal to' }

/** "p95 latency above 2 s for 5 min: above 2000 for 5 min" and the like, one per condition. */
export function describeAlertCondition(c: AlertConditionSummary): string {
  const lasting = c.durationSeconds ? ` for ${formatDuration(c.durationSeconds)}` : ''
  switch (c.kind) {
    case 'threshold':
      return `${c.displayName} (${c.comparison ? COMPARISON_WORDS[c.comparison] : 'threshold'} ${c.threshold ?? '?'}${lasting})`
    case 'absence':
      return `${c.displayName} (no data${lasting})`
    case 'log_match':
      return `${c.displayName} (log match)`
    case 'unknown':
      return c.displayName
    default:
      return `${c.displayName} (${c.kind === 'mql' ? 'MQL' : c.kind === 'promql' ? 'PromQL' : 'SQL'} query${lasting})`
  }
}

function formatDuration(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`
  return `${Number(seconds.toPrecision(3))} s`
}

/** Cloud console page of an alert policy, in the project that owns it. */
export function alertPolicyLink(policyName: string): string | null {
  const m = /^projects\/([^/]+)\/alertPolicies\/([^/]+)$/.exec(policyName)
  if (!m) return null
  return `https://console.cloud.google.com/monitoring/alerting/policies/${encodeURIComponent(m[2]!)}?project=${encodeURIComponent(m[1]!)}`
}

function alertPolicyItem(policy: AlertPolicySummary): EvidenceItem {
  const conditions = policy.conditions.map(describeAlertCondition)
  const shown = conditions.length > 2 ? [...conditions.slice(0, 2), `${conditions.length - 2} more`] : conditions
  const filters = policy.conditions.filter((c) => c.filter).slice(0, 2).map((c) => `Filter: ${c.filter}`)
  const labels = Object.entries(policy.userLabels).map(([k, v]) => `${k}=${v}`)
  const facts = [
    policy.severity && `severity ${policy.severity}`,
    labels.length > 0 && `labels ${labels.join(', ')}`,
    `${policy.notificationChannelCount} notification channel${policy.notificationChannelCount === 1 ? '' : 's'}`,
  ].filter(Boolean)
  return {
    source: 'metrics',
    title: `Alert policy ${policy.displayName}: ${shown.join(` ${policy.combiner === 'OR' ? 'or' : 'and'} `) || 'no conditions'}${policy.enabled ? '' : ' (disabled)'}`,
    detail: [...filters, policy.documentation ? `Documentation: ${policy.documentation.split('\n')[0]!.slice(0, 300)}` : null, facts.join(' · ')].filter(Boolean).join('\n'),
    link: alertPolicyLink(policy.name),
    anomalous: false,
    data: { policy: policy.name, displayName: policy.displayName, conditions: policy.conditions.map((c) => ({ ...c })), userLabels: { ...policy.userLabels }, severity: policy.severity, enabled: policy.enabled, notificationChannelCount: policy.notificationChannelCount },
  }
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
