import { withDeadline } from '../../deadline'
import { MINUTE_MS } from '../../durations'
import { errorMessage } from '../../errors'
import type { LogAnswer, TelemetryPort } from '../../telemetry/port'
import { utcTime } from '../scan/metric-warnings'
import { formatMetricValue } from '../series-stats'
import { alertPolicyEvidence } from './alert-policy-evidence'
import { askWithDeadline, type Asked } from './ask-with-deadline'
import type { MetricFinding } from './assess-metric'
import { collectMetricFindings, HISTORY_HOURS } from './collect-metric-findings'
import type { GatheredEvidence, TelemetrySource } from './gathered-evidence'
import { groupLogMessages } from './group-log-messages'
import { shortReason, tallyAnswers } from './tally-answers'

/** Past these a fetch is cut short, so its buckets do not count as fetched whole. */
const WINDOW_WARNINGS_LIMIT = 1_000
const EARLIER_WARNINGS_LIMIT = 1_000

/** Whether a logs answer holds every entry of its window: under the limit, and not trimmed after a fetch the limit stopped. */
function readWhole(answer: LogAnswer, limit: number): boolean {
  return !answer.cutShort && answer.length < limit
}

export interface GatherOptions {
  service: string
  startedAt: Date
  now: Date
  /**
   * Deadline of every query (they start together, so it bounds each source): a slow query is
   * reported as not answered instead of holding the analysis.
   */
  deadlineMs?: number
  /** The alert policy of the incident (display or resource name), looked up when the provider can. */
  policyName?: string | null
}

/**
 * Pulls metrics, logs, errors and traces around the incident in parallel (and the alert policy
 * that fired, when the provider can look it up), compares the incident window with the hour
 * before it, and returns what it has: a query that fails or is slow costs only its own answer;
 * a source is listed as missing when none of its queries answered, as partial when some did not.
 */
export async function gatherEvidence(telemetry: TelemetryPort, options: GatherOptions): Promise<GatheredEvidence> {
  const deadlineMs = options.deadlineMs ?? 5_000
  const windowStart = new Date(options.startedAt.getTime() - 10 * MINUTE_MS)
  const window = { start: windowStart, end: options.now }
  const baseline = { start: new Date(windowStart.getTime() - 70 * MINUTE_MS), end: new Date(windowStart.getTime() - 10 * MINUTE_MS) }
  const ask = <T>(service: string, what: string, work: () => Promise<T>, asker: string) => askWithDeadline(service, what, work, deadlineMs, asker)

  const policyName = options.policyName?.trim()
  const lookUpPolicy = telemetry.alertPolicy?.bind(telemetry)
  const policyTask = policyName && lookUpPolicy ? ask(options.service, 'alert policy', () => lookUpPolicy({ policyName }), 'the alert policy lookup') : null

  // Without the service graph the service alone is examined, and the trail says why.
  let dependencyLookupFailure: string | null = null
  const topology = await withDeadline(
    Promise.resolve().then(() => telemetry.services()),
    deadlineMs,
    'the dependency lookup',
  ).catch((err: unknown) => {
    dependencyLookupFailure = shortReason(err)
    return []
  })
  const dependencies = topology.find((s) => s.name === options.service)?.dependsOn ?? []
  const services = [options.service, ...dependencies]

  const metricsTask = collectMetricFindings(telemetry, services, window, baseline, deadlineMs)
  // Rollouts log at INFO, so they are asked for separately from the warnings.
  const deployWindow = { start: new Date(windowStart.getTime() - 30 * MINUTE_MS), end: window.end }
  const logsTask = Promise.all([
    ...services.map((service) =>
      ask(service, 'warnings', () => telemetry.logs({ service, ...window, minSeverity: 'WARNING', limit: WINDOW_WARNINGS_LIMIT }), 'logs'),
    ),
    ask(
      options.service,
      'deploy logs',
      () => telemetry.logs({ service: options.service, ...deployWindow, contains: 'deployed', minSeverity: 'INFO', limit: 20 }),
      'logs',
    ),
  ])
  // The hour before, for the service itself: what its warnings looked like when things were fine.
  const earlierLogsTask = ask(
    options.service,
    'earlier warnings',
    () => telemetry.logs({ service: options.service, ...baseline, minSeverity: 'WARNING', limit: EARLIER_WARNINGS_LIMIT }),
    'logs',
  )
  const errorsTask = Promise.all(services.map((service) => ask(service, 'error groups', () => telemetry.errors({ service, ...window }), 'errors')))
  const tracesTask = Promise.all([ask(options.service, 'slowest traces', () => telemetry.traces({ service: options.service, ...window, limit: 20 }), 'traces')])

  const [metricsAsked, logsAsked, errorsAsked, tracesAsked, policyAsked, earlierLogs] = await Promise.all([
    metricsTask,
    logsTask,
    errorsTask,
    tracesTask,
    policyTask,
    earlierLogsTask,
  ])
  const result: GatheredEvidence = {
    items: [],
    metrics: [],
    logs: [],
    errors: [],
    traces: [],
    services,
    dependencyLookupFailure,
    sourcesAnswered: [],
    sourcesMissing: [],
    sourcesPartial: [],
    alertPolicy: null,
    window,
    ownWarnings: null,
    deploys: [],
  }
  const links = telemetry.links
  const settle = <T>(source: TelemetrySource, asked: Array<Asked<T>>): T[] | null => {
    const { values, missing, partial } = tallyAnswers(source, asked, services)
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
      if (result.alertPolicy) result.items.push(alertPolicyEvidence(result.alertPolicy, links))
    } else {
      const reason = policyAsked.result.reason
      result.items.push({
        source: 'metrics',
        title: `Alert policy ${policyName}: not read`,
        detail: errorMessage(reason),
        link: null,
        anomalous: false,
        data: { policyName },
      })
    }
  }

  const metrics = settle('metrics', metricsAsked)
  if (metrics) {
    const findings = metrics.filter((m): m is MetricFinding => m !== null)
    result.metrics = findings
    for (const f of findings
      .filter((m) => m.anomalous)
      .sort((a, b) => b.ratio - a.ratio)
      .slice(0, 6)) {
      const since = f.anomalousSince ? `; anomalous since ${utcTime(f.anomalousSince)}, score ${f.anomalyScore.toFixed(2)}` : ''
      const shownFrom = f.anomalousSince && f.anomalousSince < baseline.start ? f.anomalousSince : baseline.start
      result.items.push({
        source: 'metrics',
        title: `${f.service} ${f.metric}`,
        detail: `${formatMetricValue(f.current, f.unit)} now vs ${formatMetricValue(f.baseline, f.unit)} in the hour before (${f.ratio.toFixed(1)}×)${since}`,
        link: links?.metric({ service: f.service, metric: f.metric, start: shownFrom, end: window.end }) ?? null,
        anomalous: true,
        data: { ...f, anomalousSince: f.anomalousSince?.toISOString() ?? null },
      })
    }
    if (!findings.some((m) => m.anomalous)) {
      result.items.push({
        source: 'metrics',
        title: 'Metrics within normal range',
        detail:
          `${findings.length} series of ${services.join(', ')} checked against the previous hour ` +
          `and scored by the anomaly detector over ${HISTORY_HOURS} h`,
        link: null,
        anomalous: false,
        data: {},
      })
    }
    notePartial('metrics')
  }

  const logAnswers = settle('logs', logsAsked)
  if (logAnswers) {
    const logs = logAnswers.flat()
    result.logs = logs
    const errorsOnly = logs.filter((l) => l.severity === 'ERROR' || l.severity === 'CRITICAL')
    const top = groupLogMessages(errorsOnly.length ? errorsOnly : logs, 3)
    result.items.push({
      source: 'logs',
      title: `${errorsOnly.length} error log entries (${logs.length} warnings and above)`,
      detail: top.length ? top.map((t) => `${t.count}× ${t.service}: ${t.message}`).join('\n') : 'no warnings or errors in the window',
      link: links?.logs({ services, minSeverity: 'WARNING', ...window }) ?? null,
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
        link: links?.errorGroup(group.groupId) ?? null,
        anomalous: group.firstSeen >= window.start || group.count >= 10,
        data: { groupId: group.groupId, count: group.count, firstSeen: group.firstSeen.toISOString() },
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
        link: links?.trace(slowest.traceId) ?? null,
        anomalous: Boolean(span && span.service !== options.service),
        data: { traceId: slowest.traceId, slowestSpanService: span?.service ?? null },
      })
    }
    notePartial('traces')
  }
  return result
}
