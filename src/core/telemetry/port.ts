/**
 * The one door through which analysis reads telemetry. Cloud Monitoring, Logging,
 * Error Reporting and Trace implement it in production; the synthetic fleet does
 * in embedded mode. Analysis code cannot tell them apart.
 */

import { CodedError } from '../errors'

/** Metric kinds every service is asked about, named for what they mean, not for a vendor's metric type. */
export const METRIC_KINDS = [
  'latency_p95_ms',
  'error_rate',
  'request_rate',
  'cpu_utilization',
  'memory_utilization',
  'db_connections_used_ratio',
  'pubsub_backlog',
  'disk_used_ratio',
  'quota_used_ratio',
  /** Replicas (pods, instances) serving at the time: what a utilisation was measured on. */
  'replicas',
] as const
export type MetricKind = (typeof METRIC_KINDS)[number]

/** The unit every provider reports each kind in, as series-stats formats it: 'ratio' is 0..1, 'ms' is milliseconds. */
export const METRIC_UNITS: Record<MetricKind, string> = {
  latency_p95_ms: 'ms',
  error_rate: 'ratio',
  request_rate: 'req/s',
  cpu_utilization: 'ratio',
  memory_utilization: 'ratio',
  db_connections_used_ratio: 'ratio',
  pubsub_backlog: 'messages',
  disk_used_ratio: 'ratio',
  quota_used_ratio: 'ratio',
  replicas: 'replicas',
}

export interface TimeWindow {
  start: Date
  end: Date
}

export interface MetricQuery extends TimeWindow {
  service: string
  metric: MetricKind
  /** Sampling step in seconds; providers may align to their own resolution. */
  stepSeconds?: number
}

/**
 * Where a provider puts the points of a metric answer, so an answer can be cut to a narrower
 * window and give exactly what the provider would have answered for it. Points sit at whole
 * multiples of the step since the epoch in both kinds.
 * - 'instant': a sample at each step time within [start, end].
 * - 'period_end': a point stands for the step that ends at its time; those overlapping the
 *   window are returned: start < at < end + step (Cloud Monitoring's aligned periods).
 */
export interface MetricGrid {
  points: 'instant' | 'period_end'
  /** Steps below this are raised to it. */
  minStepSeconds?: number
}

export interface MetricPoint {
  at: Date
  value: number
}

export interface MetricSeries {
  service: string
  metric: MetricKind
  unit: string
  points: MetricPoint[]
}

export type LogSeverity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL'

/** Severities in order, for "at least WARNING" comparisons. */
export const SEVERITY_RANK: Record<LogSeverity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, CRITICAL: 4 }

export interface LogQuery extends TimeWindow {
  service: string
  /** Case-insensitive substring the message must contain. */
  contains?: string
  minSeverity?: LogSeverity
  limit?: number
}

export interface LogEntry {
  at: Date
  service: string
  severity: LogSeverity
  message: string
  /** Trace id when the entry was written inside a traced request. */
  traceId?: string
}

export interface ErrorGroupQuery extends TimeWindow {
  service: string
}

export interface ErrorGroupStats {
  groupId: string
  service: string
  message: string
  count: number
  firstSeen: Date
  lastSeen: Date
}

export interface TraceQuery extends TimeWindow {
  service: string
  minLatencyMs?: number
  limit?: number
}

export interface TraceSpanSummary {
  service: string
  name: string
  latencyMs: number
}

export interface TraceSummary {
  traceId: string
  rootService: string
  latencyMs: number
  startedAt: Date
  /** The spans, slowest first. */
  spans: TraceSpanSummary[]
}

/** What a span stands for, as OpenTelemetry names it: a served request, an outgoing call, a message sent or handled. */
export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal'

/** One span of a whole trace, with its parent and attributes, for deriving who calls whom. */
export interface TraceSpan {
  spanId: string
  /** Null for a root span (or one whose parent was not kept). */
  parentSpanId: string | null
  service: string
  name: string
  kind: SpanKind
  startedAt: Date
  durationMs: number
  /** The span ended in error (error status, a 5xx, an exception). */
  error: boolean
  /** Span attributes (labels): db.system, peer.service, messaging.destination.name, … */
  attributes: Record<string, string>
}

export interface SpanTrace {
  traceId: string
  spans: TraceSpan[]
}

/** A sample of whole traces started in the window, at most `limit` of them. */
export interface TraceSampleQuery extends TimeWindow {
  limit: number
}

/** A service and what it depends on directly; `dependencies`, when known, says where each edge comes from. */
export interface ServiceNode {
  name: string
  /** Heaviest first when weights are known (observed traffic before declared-only edges). */
  dependsOn: string[]
  dependencies?: ServiceDependency[]
}

export interface ServiceDependency {
  to: string
  /** Seen in traces, only declared (services file, fleet topology), or both. */
  source: 'observed' | 'declared' | 'both'
  /** Calls an hour in the sampled traces; null for a declared-only edge. */
  callsPerHour: number | null
}

export interface ErrorEventQuery extends TimeWindow {
  service: string
  groupId: string
  limit?: number
}

export interface ErrorEvent {
  at: Date
  /** The event's message, stack trace included. */
  message: string
}

export interface AlertPolicyQuery {
  /**
   * The policy's resource name (projects/P/alertPolicies/ID, or a condition's name under it)
   * or its display name, as an alert notification carries them.
   */
  policyName: string
}

export type AlertComparison = '>' | '>=' | '<' | '<=' | '==' | '!='

export interface AlertConditionSummary {
  displayName: string
  /** threshold, absence, log match, or a query (MQL, PromQL, SQL). */
  kind: 'threshold' | 'absence' | 'log_match' | 'mql' | 'promql' | 'sql' | 'unknown'
  /** The metric or log filter, or the query text. */
  filter: string | null
  comparison: AlertComparison | null
  threshold: number | null
  /** How long the condition must hold before the policy fires. */
  durationSeconds: number | null
}

export interface AlertPolicySummary {
  /** Resource name: projects/P/alertPolicies/ID. */
  name: string
  displayName: string
  enabled: boolean
  /** How the conditions combine: OR, AND, AND_WITH_MATCHING_RESOURCE. */
  combiner: string
  conditions: AlertConditionSummary[]
  /** The runbook text written on the policy, redacted and truncated. */
  documentation: string | null
  userLabels: Record<string, string>
  severity: string | null
  notificationChannelCount: number
}

export interface ChangeEventQuery extends TimeWindow {
  service: string
  limit?: number
}

/** A rollout or configuration change of a service: a new revision, a rollback, an updated workload or pipeline. */
export interface ChangeEvent {
  /** Stable across reads (the provider's own id), so a change is stored and shown once. */
  id: string
  at: Date
  service: string
  kind: 'deploy' | 'rollback' | 'config_change'
  /** One line: what changed ("Cloud Run revision payment-api-00042-abc rolled out"). */
  description: string
  /** Who or what made the change (an email, a service account), when known. */
  actor: string | null
  link: string | null
}

/**
 * Log entries, newest first. A provider that fetches more than the window (to share answers between
 * callers) and trims afterwards sets `cutShort` when its limit stopped the fetch inside the window:
 * older entries of the window were not returned although fewer than `limit` are. Without the flag,
 * fewer entries than the limit means the window was read whole.
 */
export type LogAnswer = LogEntry[] & { cutShort?: boolean }

/**
 * Pages of the provider's own console where a person checks a piece of evidence by hand;
 * each provider knows how its services are addressed there. Null where it has no such page.
 */
export interface ConsoleLinks {
  metric(query: { service: string; metric: MetricKind } & TimeWindow): string | null
  /** Log lines of these services in the window, at `minSeverity` or above, containing `contains`. */
  logs(query: { services: readonly string[]; minSeverity?: LogSeverity; contains?: string } & TimeWindow): string | null
  errorGroup(groupId: string): string | null
  trace(traceId: string): string | null
  /** The page of an alert policy, by its resource name. */
  alertPolicy(policyName: string): string | null
}

export interface TelemetryPort {
  /** Name shown in the reasoning trail ("synthetic", "gcp"). */
  readonly name: string
  /** How metric points are placed; without it an answer is reused only for the very same window. */
  readonly metricGrid?: MetricGrid
  metrics(query: MetricQuery): Promise<MetricSeries>
  logs(query: LogQuery): Promise<LogAnswer>
  errors(query: ErrorGroupQuery): Promise<ErrorGroupStats[]>
  traces(query: TraceQuery): Promise<TraceSummary[]>
  /** Services the provider knows, with their direct downstream dependencies. */
  services(): Promise<ServiceNode[]>
  /** The alert policy an incident came from; null when none has that name. Optional: not every provider has policies. */
  alertPolicy?(query: AlertPolicyQuery): Promise<AlertPolicySummary | null>
  /** The latest occurrences of one error group, newest first (stack traces included). */
  errorEvents?(query: ErrorEventQuery): Promise<ErrorEvent[]>
  /** One trace by id, for following a trace id a log line or an error carries. */
  trace?(traceId: string): Promise<TraceSummary | null>
  /** Rollouts and configuration changes of a service in the window, oldest first. Optional: not every provider sees them. */
  changeEvents?(query: ChangeEventQuery): Promise<ChangeEvent[]>
  /** Whole traces of every service, spans with their parents, kinds and attributes (the service blueprint reads them). */
  sampleTraces?(query: TraceSampleQuery): Promise<SpanTrace[]>
  /** Where evidence from this provider can be checked by hand; without it evidence carries no links. */
  readonly links?: ConsoleLinks
}

/** Thrown by a provider for a query it cannot answer (unknown metric, malformed filter). */
export class TelemetryQueryError extends CodedError<'telemetry_query_invalid'> {
  constructor(message: string) {
    super('telemetry_query_invalid', message)
    this.name = 'TelemetryQueryError'
  }
}

/** Thrown for a metric a service does not export at all: the answer for any window, so worth remembering. */
export class MetricNotExportedError extends TelemetryQueryError {
  constructor(
    readonly service: string,
    readonly metric: MetricKind,
    message: string,
  ) {
    super(message)
    this.name = 'MetricNotExportedError'
  }
}
