import { DAY_MS, MINUTE_MS } from '../../../core/durations'
import { CodedError } from '../../../core/errors'
import {
  METRIC_KINDS,
  MetricNotExportedError,
  TelemetryQueryError,
  type ChangeEvent,
  type ChangeEventQuery,
  type ConsoleLinks,
  type ErrorGroupQuery,
  type ErrorGroupStats,
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
} from '../../../core/telemetry/port'
import { errorGroupId } from './error-group-id'
import { INJECTION_BEHAVIOURS } from './injection-behaviours'
import { SYNTHETIC_FLEET, type FleetService } from './fleet'
import { FleetTopology } from './fleet-topology'
import { SyntheticCapacitySettings } from './synthetic-capacity-settings'
import type { CapacitySettingsPort } from '../../../core/capacity/capacity-settings'
import type { ResolvedInjection, SyntheticIncidentInjection } from './injection'
import { FleetLogGenerator } from './log-generator'
import { SEVERITY_RANK } from './log-line'
import { FleetMetricModel } from './metric-model'
import { resolveInjections } from './resolve-injections'
import { FleetSpanTraceGenerator } from './span-trace-generator'
import { FleetTraceGenerator } from './trace-generator'

export const DEFAULT_SYNTHETIC_SEED = 7
/** Lines returned when a log query sets no limit. */
export const DEFAULT_LOG_LIMIT = 1_000
/** Traces returned when a trace query sets no limit. */
export const DEFAULT_TRACE_LIMIT = 20
const MAX_METRIC_POINTS = 100_000
/** Logs, errors and traces are generated minute by minute; longer windows are refused. */
const MAX_EVENT_WINDOW_MS = 31 * DAY_MS

export interface SyntheticTelemetryOptions {
  seed?: number
  injections?: readonly SyntheticIncidentInjection[]
  /** Defaults to the demo shop (SYNTHETIC_FLEET). */
  fleet?: readonly FleetService[]
  /** Where evidence links point, as for the provider the fleet stands in for; none by default. */
  links?: ConsoleLinks
}

/**
 * Telemetry of a simulated fleet, computed on demand: any window of any service can be
 * asked for and the same (seed, injections) always answer the same. Logs come back
 * newest first; traces slowest first, each with its spans slowest first (a span's
 * latency is its own time, children excluded); error groups by count, with first and
 * last seen inside the queried window.
 */
export class SyntheticTelemetry implements TelemetryPort {
  readonly name = 'synthetic'
  /** Samples at multiples of the step within the window (see metrics()). */
  readonly metricGrid: MetricGrid = { points: 'instant' }
  readonly links?: ConsoleLinks
  readonly seed: number
  readonly injections: readonly SyntheticIncidentInjection[]
  private readonly topology: FleetTopology
  private readonly resolved: readonly ResolvedInjection[]
  private readonly model: FleetMetricModel
  private readonly logGenerator: FleetLogGenerator
  private readonly traceGenerator: FleetTraceGenerator
  private readonly spanTraceGenerator: FleetSpanTraceGenerator

  constructor(options: SyntheticTelemetryOptions = {}) {
    this.seed = options.seed ?? DEFAULT_SYNTHETIC_SEED
    if (!Number.isSafeInteger(this.seed)) throw new CodedError('synthetic_seed_invalid', `seed must be an integer, got ${this.seed}`)
    this.injections = [...(options.injections ?? [])]
    if (options.links) this.links = options.links
    this.topology = new FleetTopology(options.fleet ?? SYNTHETIC_FLEET)
    this.resolved = resolveInjections(this.topology, this.injections, this.seed)
    this.model = new FleetMetricModel(this.seed, this.topology, this.resolved)
    this.logGenerator = new FleetLogGenerator(this.seed, this.topology, this.model, this.resolved)
    this.traceGenerator = new FleetTraceGenerator(this.seed, this.topology, this.model)
    this.spanTraceGenerator = new FleetSpanTraceGenerator(this.seed, this.topology)
  }

  /** The fleet's own capacity settings (replicas, sizing, autoscalers, a database's max_connections). */
  capacitySettings(): CapacitySettingsPort {
    return new SyntheticCapacitySettings(this.topology.services)
  }

  async services(): Promise<Array<{ name: string; dependsOn: string[] }>> {
    return this.topology.services.map((s) => ({ name: s.name, dependsOn: s.calls.map((c) => c.to) }))
  }

  /** Metric kinds `service` answers for; asking for any other is a TelemetryQueryError. */
  exportedMetrics(service: string): MetricKind[] {
    return this.topology.exportedMetrics(service)
  }

  async metrics(query: MetricQuery): Promise<MetricSeries> {
    const { startMs, endMs } = checkWindow(query)
    this.topology.getOrThrow(query.service)
    const metric = checkMetric(query.metric)
    const exported = this.topology.exportedMetrics(query.service)
    if (!exported.includes(metric)) {
      throw new MetricNotExportedError(query.service, metric, `${query.service} does not export ${metric}; it exports ${exported.join(', ')}`)
    }
    const stepSeconds = query.stepSeconds ?? 60
    if (!Number.isFinite(stepSeconds) || stepSeconds <= 0) throw new TelemetryQueryError(`stepSeconds must be a positive number, got ${stepSeconds}`)
    const stepMs = stepSeconds * 1000
    const first = Math.ceil(startMs / stepMs) * stepMs
    if ((endMs - first) / stepMs > MAX_METRIC_POINTS) {
      throw new TelemetryQueryError(`window too long for a ${stepSeconds}s step (over ${MAX_METRIC_POINTS} points); use a larger step`)
    }
    const points = []
    for (let at = first; at <= endMs; at += stepMs) points.push({ at: new Date(at), value: this.model.value(query.service, metric, at) })
    return { service: query.service, metric, unit: METRIC_UNITS[metric], points }
  }

  async logs(query: LogQuery): Promise<LogEntry[]> {
    const { startMs, endMs } = checkEventWindow(query)
    this.topology.getOrThrow(query.service)
    const minRank = query.minSeverity === undefined ? 0 : checkSeverity(query.minSeverity)
    const limit = checkLimit(query.limit, DEFAULT_LOG_LIMIT)
    const needle = query.contains?.toLowerCase()
    const out: LogEntry[] = []
    // Newest minute first, so a limit stops the work as soon as it is met.
    for (let minute = Math.floor(endMs / MINUTE_MS); minute >= Math.floor(startMs / MINUTE_MS) && out.length < limit; minute--) {
      const lines = this.logGenerator.minute(query.service, minute, minRank)
      for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
        const line = lines[i]!
        if (line.atMs < startMs || line.atMs > endMs) continue
        if (needle !== undefined && !line.message.toLowerCase().includes(needle)) continue
        const entry: LogEntry = { at: new Date(line.atMs), service: query.service, severity: line.severity, message: line.message }
        if (line.traceId) entry.traceId = line.traceId
        out.push(entry)
      }
    }
    return out
  }

  async errors(query: ErrorGroupQuery): Promise<ErrorGroupStats[]> {
    const { startMs, endMs } = checkEventWindow(query)
    this.topology.getOrThrow(query.service)
    const groups = new Map<string, { message: string; count: number; firstMs: number; lastMs: number }>()
    for (let minute = Math.floor(startMs / MINUTE_MS); minute <= Math.floor(endMs / MINUTE_MS); minute++) {
      for (const line of this.logGenerator.minute(query.service, minute, SEVERITY_RANK.ERROR)) {
        if (!line.errorGroup || line.atMs < startMs || line.atMs > endMs) continue
        const group = groups.get(line.errorGroup.key)
        if (group) {
          group.count++
          group.lastMs = line.atMs
        } else {
          groups.set(line.errorGroup.key, { message: line.errorGroup.message, count: 1, firstMs: line.atMs, lastMs: line.atMs })
        }
      }
    }
    return [...groups.entries()]
      .map(([key, g]) => ({
        groupId: errorGroupId(query.service, key),
        service: query.service,
        message: g.message,
        count: g.count,
        firstSeen: new Date(g.firstMs),
        lastSeen: new Date(g.lastMs),
      }))
      .sort((a, b) => b.count - a.count || b.lastSeen.getTime() - a.lastSeen.getTime())
  }

  /** The rollouts the injections' stories include (a bad deploy and its rollback), oldest first. */
  async changeEvents(query: ChangeEventQuery): Promise<ChangeEvent[]> {
    const { startMs, endMs } = checkWindow(query)
    this.topology.getOrThrow(query.service)
    const limit = checkLimit(query.limit, DEFAULT_LOG_LIMIT)
    return this.resolved
      .filter((injection) => injection.target === query.service)
      .flatMap((injection) =>
        (INJECTION_BEHAVIOURS[injection.kind].changes?.(injection) ?? []).map((c, i) => ({
          id: `synthetic-${this.seed}-${injection.key}-${i}`,
          at: new Date(c.atMs),
          service: query.service,
          kind: c.kind,
          description: c.description,
          actor: c.actor,
          link: null,
        })),
      )
      .filter((c) => c.at.getTime() >= startMs && c.at.getTime() <= endMs)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(0, limit)
  }

  async traces(query: TraceQuery): Promise<TraceSummary[]> {
    const { startMs, endMs } = checkEventWindow(query)
    this.topology.getOrThrow(query.service)
    const limit = checkLimit(query.limit, DEFAULT_TRACE_LIMIT)
    const minLatency = query.minLatencyMs ?? 0
    const found: TraceSummary[] = []
    for (let minute = Math.floor(startMs / MINUTE_MS); minute <= Math.floor(endMs / MINUTE_MS); minute++) {
      for (const trace of this.traceGenerator.minute(query.service, minute)) {
        const at = trace.startedAt.getTime()
        if (at >= startMs && at <= endMs && trace.latencyMs >= minLatency) found.push(trace)
      }
    }
    return found.sort((a, b) => b.latencyMs - a.latencyMs || b.startedAt.getTime() - a.startedAt.getTime()).slice(0, limit)
  }

  /** Whole traces of the fleet started in the window (see FleetSpanTraceGenerator), a uniform sample of `limit` of them, oldest first. */
  async sampleTraces(query: TraceSampleQuery): Promise<SpanTrace[]> {
    const { startMs, endMs } = checkEventWindow(query)
    const limit = checkLimit(query.limit, DEFAULT_TRACE_LIMIT)
    const found: SpanTrace[] = []
    for (let minute = Math.floor(startMs / MINUTE_MS); minute <= Math.floor(endMs / MINUTE_MS); minute++) {
      for (const trace of this.spanTraceGenerator.minute(minute)) {
        const at = trace.spans[0]!.startedAt.getTime()
        if (at >= startMs && at <= endMs) found.push(trace)
      }
    }
    return sampleByTraceId(found, limit).sort((a, b) => a.spans[0]!.startedAt.getTime() - b.spans[0]!.startedAt.getTime())
  }
}

/** A uniform sample of `limit` traces: trace ids are hashes, so the lowest ids are as good as random picks (and the same every time). */
function sampleByTraceId(traces: readonly SpanTrace[], limit: number): SpanTrace[] {
  if (traces.length <= limit) return [...traces]
  return [...traces].sort((a, b) => (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0)).slice(0, limit)
}

function checkWindow(window: TimeWindow): { startMs: number; endMs: number } {
  const startMs = window.start instanceof Date ? window.start.getTime() : NaN
  const endMs = window.end instanceof Date ? window.end.getTime() : NaN
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) throw new TelemetryQueryError('start and end must be valid dates')
  if (endMs < startMs) throw new TelemetryQueryError(`end (${window.end.toISOString()}) is before start (${window.start.toISOString()})`)
  return { startMs, endMs }
}

function checkEventWindow(window: TimeWindow): { startMs: number; endMs: number } {
  const checked = checkWindow(window)
  if (checked.endMs - checked.startMs > MAX_EVENT_WINDOW_MS) throw new TelemetryQueryError('window longer than 31 days; query a shorter one')
  return checked
}

function checkMetric(metric: string): MetricKind {
  if (!(METRIC_KINDS as readonly string[]).includes(metric)) {
    throw new TelemetryQueryError(`unknown metric "${metric}"; expected one of ${METRIC_KINDS.join(', ')}`)
  }
  return metric as MetricKind
}

function checkSeverity(severity: string): number {
  const rank = SEVERITY_RANK[severity as LogSeverity]
  if (rank === undefined) throw new TelemetryQueryError(`unknown severity "${severity}"; expected one of ${Object.keys(SEVERITY_RANK).join(', ')}`)
  return rank
}

function checkLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback
  if (!Number.isInteger(limit) || limit < 0) throw new TelemetryQueryError(`limit must be a non-negative integer, got ${limit}`)
  return limit
}
