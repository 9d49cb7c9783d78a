import { DAY_MS, MINUTE_MS } from '../../core/durations'
import {
  METRIC_KINDS,
  MetricNotExportedError,
  TelemetryQueryError,
  type AlertPolicyQuery,
  type AlertPolicySummary,
  type ChangeEvent,
  type ChangeEventQuery,
  type ConsoleLinks,
  type ErrorEvent,
  type ErrorEventQuery,
  type ErrorGroupQuery,
  type ErrorGroupStats,
  type LogAnswer,
  type LogEntry,
  type LogQuery,
  type LogSeverity,
  METRIC_UNITS,
  type MetricGrid,
  type MetricKind,
  type MetricQuery,
  type MetricSeries,
  type TelemetryPort,
  type TimeWindow,
  type SpanTrace,
  type TraceQuery,
  type TraceSampleQuery,
  type TraceSummary,
} from '../../core/telemetry/port'
import { alertPolicyRequest, fetchAlertPolicy } from './alert-policies'
import { auditEntryLink, buildChangeEventFilter, fetchChangeEvents } from './audit-log-changes'
import type { ApiCallGate, ApiStats } from './api-call-gate'
import type { GcpApi } from './gcp-api'
import { quantizeWindow } from './cache/request-key'
import { GcpConsoleLinks } from './console-links'
import { fetchSpanTraces, toSpanTrace, type SpanTraceListRequest } from './cloud-trace-spans'
import { buildTraceFilter, fetchTrace, fetchTraces, MAX_COMPLETE_PAGE, type CachedTrace, type TraceListRequest } from './cloud-trace-traces'
import { countInWindow, fetchErrorEvents, fetchErrorGroups, groupStatsParams, periodCovering } from './error-reporting-groups'
import type { GcpClients } from './gcp-clients'
import { buildLogFilter } from './logging-filter'
import { fetchLogEntries } from './logging-entries'
import { isRatioMapping, type SeriesMapping } from './metric-mappings'
import { buildTimeSeriesRequest, fetchSeriesPoints } from './monitoring-time-series'
import type { ServiceCatalog } from './service-catalog'

/** Cloud Monitoring keeps most metrics six weeks; logs in the default bucket, spans and error events 30 days. */
const METRIC_RETENTION_MS = 42 * DAY_MS
const EVENT_RETENTION_MS = 30 * DAY_MS
const MAX_METRIC_POINTS = 100_000
const MAX_LIMIT = 1_000
const DEFAULT_LOG_LIMIT = 1_000
const DEFAULT_TRACE_LIMIT = 20
const SEVERITIES: readonly LogSeverity[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']

export interface GcpTelemetryOptions {
  clients: GcpClients
  catalog: ServiceCatalog
  gate: ApiCallGate
  /** Window ends are widened to whole quanta, so incidents analysed moments apart share cached answers. */
  windowQuantumMs?: number
  /**
   * Starts of metric and log windows are widened further, so the analyses of one incident storm
   * share them: points and newest-first entries before the start asked for are only dropped.
   */
  startQuantumMs?: number
  /** Pages followed per request; each page is a call against the quota. */
  maxPages?: number
  now?: () => number
  /** Releases what the factory opened with the clients (Redis connections). */
  onClose?: () => Promise<void>
}

/**
 * Evidence from Cloud Monitoring, Logging, Error Reporting and Trace behind the telemetry
 * port. Every request goes through the gate (cache, coalescing, shared rate limit, backoff);
 * every answer is validated, and text from logs, errors and spans is redacted before it is cached.
 */
export class GcpTelemetry implements TelemetryPort {
  readonly name = 'gcp'
  /** Aligned periods ending at multiples of the step (window ends are rounded to it), at least a minute (see metrics()). */
  readonly metricGrid: MetricGrid = { points: 'period_end', minStepSeconds: 60 }
  /** Console pages in the project, each service placed where the catalog says it runs. */
  readonly links: ConsoleLinks
  private readonly clients: GcpClients
  private readonly catalog: ServiceCatalog
  private readonly gate: ApiCallGate
  private readonly quantumMs: number
  private readonly startQuantumMs: number
  private readonly maxPages: number
  private readonly now: () => number

  constructor(private readonly options: GcpTelemetryOptions) {
    this.clients = options.clients
    this.catalog = options.catalog
    this.gate = options.gate
    this.quantumMs = options.windowQuantumMs ?? MINUTE_MS
    this.startQuantumMs = options.startQuantumMs ?? 10 * MINUTE_MS
    this.maxPages = options.maxPages ?? 5
    this.now = options.now ?? Date.now
    this.links = new GcpConsoleLinks(this.clients.projectId, (service) => {
      // A name the catalog refuses has no resource; the link then takes it for a container of that name.
      try {
        return this.catalog.resolve(service).resource
      } catch {
        return null
      }
    })
  }

  async services(): Promise<Array<{ name: string; dependsOn: string[] }>> {
    return this.catalog.services()
  }

  async metrics(query: MetricQuery): Promise<MetricSeries> {
    const { startMs, endMs } = checkWindow(query, METRIC_RETENTION_MS)
    const metric = checkMetric(query.metric)
    const service = this.catalog.resolve(query.service)
    const mapping = service.metrics[metric]
    if (!mapping) {
      const mapped = Object.keys(service.metrics)
      throw new MetricNotExportedError(
        service.name,
        metric,
        `${service.name} (${service.resource.type}) has no Cloud Monitoring metric for ${metric}; mapped: ${mapped.length ? mapped.join(', ') : 'none'}`,
      )
    }
    // Cloud Monitoring aligns to whole minutes at the least.
    const stepSeconds = Math.max(60, Math.ceil(checkPositive(query.stepSeconds ?? 60, 'stepSeconds')))
    const stepMs = stepSeconds * 1000
    if ((endMs - startMs) / stepMs > MAX_METRIC_POINTS)
      throw new TelemetryQueryError(`window too long for a ${stepSeconds}s step (over ${MAX_METRIC_POINTS} points); use a larger step`)
    const window = { startMs: quantizeWindow(startMs, endMs, lcm(stepMs, this.startQuantumMs)).startMs, endMs: quantizeWindow(startMs, endMs, stepMs).endMs }
    const series = (m: SeriesMapping) => {
      const request = buildTimeSeriesRequest(this.clients.projectId, service.resource, m, window, stepSeconds)
      return this.gate.request('monitoring', 'listTimeSeries', request, window.endMs, (call) => fetchSeriesPoints(this.clients, call, request, this.maxPages))
    }
    let points: Array<[number, number]>
    if (isRatioMapping(mapping)) {
      const [numerator, denominator] = await Promise.all([series(mapping.numerator), series(mapping.denominator)])
      const errorsAt = new Map(numerator.map(([t, v]) => [t, v * mapping.numerator.scale]))
      // No requests in a period means no errors either, not an unknown rate.
      points = denominator.map(([t, v]) => {
        const all = v * mapping.denominator.scale
        return [t, all > 0 ? (errorsAt.get(t) ?? 0) / all : 0]
      })
    } else {
      points = (await series(mapping)).map(([t, v]) => [t, v * mapping.scale])
    }
    // A point stands for the period that ends at its time; keep those overlapping the window asked for.
    const inWindow = points.filter(([t]) => t > startMs && t - stepMs < endMs)
    return { service: service.name, metric, unit: METRIC_UNITS[metric], points: inWindow.map(([t, value]) => ({ at: new Date(t), value })) }
  }

  async logs(query: LogQuery): Promise<LogAnswer> {
    const { startMs, endMs } = checkWindow(query, EVENT_RETENTION_MS)
    const limit = checkLimit(query.limit, DEFAULT_LOG_LIMIT)
    if (query.minSeverity !== undefined && !SEVERITIES.includes(query.minSeverity)) {
      throw new TelemetryQueryError(`unknown severity "${query.minSeverity}"; expected one of ${SEVERITIES.join(', ')}`)
    }
    if (query.contains !== undefined && query.contains.length > 200) throw new TelemetryQueryError('search text longer than 200 characters')
    const service = this.catalog.resolve(query.service)
    // Entries come newest first, so a wider start changes nothing inside the window asked for.
    const window = { startMs: quantizeWindow(startMs, endMs, this.startQuantumMs).startMs, endMs: quantizeWindow(startMs, endMs, this.quantumMs).endMs }
    const request = {
      resourceNames: [`projects/${this.clients.projectId}`],
      filter: buildLogFilter({
        resourceType: service.resource.type,
        resourceLabels: service.resource.labels,
        startIso: new Date(window.startMs).toISOString(),
        endIso: new Date(window.endMs).toISOString(),
        minSeverity: query.minSeverity,
        contains: query.contains,
      }),
      orderBy: 'timestamp desc' as const,
      pageSize: MAX_LIMIT,
    }
    if (limit === 0) return []
    // The cached shape changed (entries and whether more were left): a new name keeps old answers out.
    const { entries, more } = await this.gate.request('logging', 'listLogEntries:v2', { request, limit }, window.endMs, (call) =>
      fetchLogEntries(this.clients, call, request, limit, this.maxPages),
    )
    const answer: LogAnswer = entries
      .filter((e) => e.atMs >= startMs && e.atMs <= endMs)
      .slice(0, limit)
      .map((e) => {
        const entry: LogEntry = { at: new Date(e.atMs), service: service.name, severity: e.severity, message: e.message }
        if (e.traceId) entry.traceId = e.traceId
        return entry
      })
    // The fetch stopped (at its limit, or at the page cap with older entries left) before reaching the
    // window's start, and trimming lines past its end may have hidden that.
    const oldest = entries[entries.length - 1]
    if ((more || entries.length >= limit) && (oldest === undefined || oldest.atMs >= startMs) && answer.length < limit) answer.cutShort = true
    return answer
  }

  /** Rollouts and configuration changes of the service from the Admin Activity audit log, oldest first. */
  async changeEvents(query: ChangeEventQuery): Promise<ChangeEvent[]> {
    const { startMs, endMs } = checkWindow(query, EVENT_RETENTION_MS)
    const limit = checkLimit(query.limit, 100)
    const service = this.catalog.resolve(query.service)
    const window = { startMs: quantizeWindow(startMs, endMs, this.startQuantumMs).startMs, endMs: quantizeWindow(startMs, endMs, this.quantumMs).endMs }
    const request = {
      resourceNames: [`projects/${this.clients.projectId}`],
      filter: buildChangeEventFilter(this.clients.projectId, service, new Date(window.startMs).toISOString(), new Date(window.endMs).toISOString()),
      orderBy: 'timestamp asc' as const,
      pageSize: MAX_LIMIT,
    }
    if (limit === 0) return []
    const changes = await this.gate.request('logging', 'listLogEntries:changes', { request, limit }, window.endMs, (call) =>
      fetchChangeEvents(this.clients, call, request, limit, this.maxPages),
    )
    return changes
      .filter((c) => c.atMs >= startMs && c.atMs <= endMs)
      .map((c) => ({
        id: c.id,
        at: new Date(c.atMs),
        service: service.name,
        kind: c.kind,
        description: c.description,
        actor: c.actor,
        link: auditEntryLink(this.clients.projectId, c.id, c.atMs),
      }))
  }

  async errors(query: ErrorGroupQuery): Promise<ErrorGroupStats[]> {
    const { startMs, endMs } = checkWindow(query, EVENT_RETENTION_MS)
    const service = this.catalog.resolve(query.service)
    const params = groupStatsParams(service.errorReportingService, periodCovering(startMs, this.now()), 100)
    const groups = await this.gate.request('error_reporting', 'groupStats.list', params, null, (call) =>
      fetchErrorGroups(this.clients, call, params, this.maxPages),
    )
    return groups
      .map((g) => ({
        groupId: g.groupId,
        service: service.name,
        message: g.message,
        count: countInWindow(g, startMs, endMs),
        firstSeen: new Date(g.firstSeenMs),
        lastSeen: new Date(g.lastSeenMs),
      }))
      .filter((g) => g.count > 0)
      .sort((a, b) => b.count - a.count || b.lastSeen.getTime() - a.lastSeen.getTime())
  }

  /** The latest occurrences of one error group (stack traces included), newest first. */
  async errorEvents(query: ErrorEventQuery): Promise<ErrorEvent[]> {
    const { startMs, endMs } = checkWindow(query, EVENT_RETENTION_MS)
    const { groupId } = query
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(groupId)) throw new TelemetryQueryError(`error group id "${groupId}" is malformed`)
    const limit = checkLimit(query.limit, 10)
    const resolved = this.catalog.resolve(query.service)
    const { period } = periodCovering(startMs, this.now())
    const params = { groupId, 'serviceFilter.service': resolved.errorReportingService, 'timeRange.period': period, pageSize: Math.min(Math.max(limit, 1), 100) }
    if (limit === 0) return []
    const events = await this.gate.request('error_reporting', 'events.list', params, null, (call) =>
      fetchErrorEvents(this.clients, call, params, limit, this.maxPages),
    )
    return events.filter((e) => e.atMs >= startMs && e.atMs <= endMs).map((e) => ({ at: new Date(e.atMs), message: e.message }))
  }

  /**
   * The slowest traces rooted at the service; when none are, the slowest passing through it.
   * A ListTraces costs the same whatever its page size, so every page asks for the most it may.
   */
  async traces(query: TraceQuery): Promise<TraceSummary[]> {
    const { startMs, endMs } = checkWindow(query, EVENT_RETENTION_MS)
    const limit = checkLimit(query.limit, DEFAULT_TRACE_LIMIT)
    const minLatencyMs = query.minLatencyMs === undefined ? 0 : checkPositive(query.minLatencyMs, 'minLatencyMs', true)
    const service = this.catalog.resolve(query.service)
    if (limit === 0) return []
    // Slowest first with a limit: a wider window could crowd out the traces asked for, so only whole minutes.
    const window = quantizeWindow(startMs, endMs, this.quantumMs)
    const request: TraceListRequest = {
      projectId: this.clients.projectId,
      startTime: new Date(window.startMs).toISOString(),
      endTime: new Date(window.endMs).toISOString(),
      filter: buildTraceFilter(this.catalog.traceServiceLabel, service.name, minLatencyMs),
      orderBy: 'duration desc',
      pageSize: MAX_COMPLETE_PAGE,
      view: 'COMPLETE',
    }
    const wanted = Math.ceil(limit / MAX_COMPLETE_PAGE) * MAX_COMPLETE_PAGE
    const traces = await this.gate.request('trace', 'traces.list', { request, wanted }, window.endMs, (call) =>
      fetchTraces(this.clients, call, request, wanted, this.catalog.traceServiceLabel, service.name, this.maxPages),
    )
    const inWindow = traces
      .filter((t) => t.startedAtMs >= startMs && t.startedAtMs <= endMs && t.latencyMs >= minLatencyMs)
      .sort((a, b) => b.latencyMs - a.latencyMs || b.startedAtMs - a.startedAtMs)
    const rooted = inWindow.filter((t) => t.rootService === service.name)
    return (rooted.length > 0 ? rooted : inWindow).slice(0, limit).map(toTraceSummary)
  }

  /**
   * A sample of whole traces of every service started in the window (ListTraces without a filter,
   * COMPLETE view), for the service blueprint: at most `limit`, 25 Trace units a page of 100.
   */
  async sampleTraces(query: TraceSampleQuery): Promise<SpanTrace[]> {
    const { startMs, endMs } = checkWindow(query, EVENT_RETENTION_MS)
    const limit = checkLimit(query.limit, DEFAULT_TRACE_LIMIT)
    if (limit === 0) return []
    const window = quantizeWindow(startMs, endMs, this.quantumMs)
    const request: SpanTraceListRequest = {
      projectId: this.clients.projectId,
      startTime: new Date(window.startMs).toISOString(),
      endTime: new Date(window.endMs).toISOString(),
      pageSize: MAX_COMPLETE_PAGE,
      view: 'COMPLETE',
    }
    const traces = await this.gate.request('trace', 'traces.list', { request, limit, sample: true }, window.endMs, (call) =>
      fetchSpanTraces(this.clients, call, request, limit, this.catalog.traceServiceLabel, this.maxPages),
    )
    return traces.map(toSpanTrace)
  }

  /** One trace by id (GetTrace), for drilling into a trace a log line or an error points at; null when Trace did not keep it. */
  async trace(traceId: string): Promise<TraceSummary | null> {
    if (!/^[0-9a-f]{1,32}$/i.test(traceId)) throw new TelemetryQueryError(`trace id "${traceId}" is not 32 hex digits`)
    const found = await this.gate.request('trace', 'traces.get', { traceId }, null, (call) =>
      fetchTrace(this.clients, call, traceId, this.catalog.traceServiceLabel, 'unknown'),
    )
    return found ? toTraceSummary(found) : null
  }

  /**
   * The alert policy an incident came from (GetAlertPolicy by resource name, else ListAlertPolicies
   * by display name), through the Monitoring quota; null when the project has no such policy.
   */
  async alertPolicy(query: AlertPolicyQuery): Promise<AlertPolicySummary | null> {
    if (typeof query.policyName !== 'string') throw new TelemetryQueryError('alert policy name must be a string')
    const request = alertPolicyRequest(this.clients.projectId, query.policyName)
    return this.gate.request('monitoring', request.method, request, null, (call) => fetchAlertPolicy(this.clients, call, request))
  }

  /** Requests, cache hits, coalesced waits, calls and refusals per API, since start. */
  apiStats(): Record<GcpApi, ApiStats> {
    return this.gate.stats()
  }

  async close(): Promise<void> {
    await this.clients.close()
    await this.options.onClose?.()
  }
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y))
  return (a / gcd(a, b)) * b
}

function toTraceSummary(t: CachedTrace): TraceSummary {
  return { traceId: t.traceId, rootService: t.rootService, latencyMs: t.latencyMs, startedAt: new Date(t.startedAtMs), spans: t.spans.map((s) => ({ ...s })) }
}

function checkWindow(window: TimeWindow, maxMs: number): { startMs: number; endMs: number } {
  const startMs = window.start instanceof Date ? window.start.getTime() : NaN
  const endMs = window.end instanceof Date ? window.end.getTime() : NaN
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) throw new TelemetryQueryError('start and end must be valid dates')
  if (endMs < startMs) throw new TelemetryQueryError(`end (${window.end.toISOString()}) is before start (${window.start.toISOString()})`)
  if (endMs - startMs > maxMs) throw new TelemetryQueryError(`window longer than ${Math.round(maxMs / DAY_MS)} days; query a shorter one`)
  return { startMs, endMs }
}

function checkMetric(metric: string): MetricKind {
  if (!(METRIC_KINDS as readonly string[]).includes(metric))
    throw new TelemetryQueryError(`unknown metric "${metric}"; expected one of ${METRIC_KINDS.join(', ')}`)
  return metric as MetricKind
}

function checkLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw new TelemetryQueryError(`limit must be an integer from 0 to ${MAX_LIMIT}, got ${limit}`)
  return limit
}

function checkPositive(value: number, what: string, zeroAllowed = false): number {
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0))
    throw new TelemetryQueryError(`${what} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, got ${value}`)
  return value
}
