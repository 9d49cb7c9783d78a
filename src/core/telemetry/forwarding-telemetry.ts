import type {
  AlertPolicyQuery,
  ChangeEvent,
  ChangeEventQuery,
  ConsoleLinks,
  AlertPolicySummary,
  ErrorEvent,
  ErrorEventQuery,
  ErrorGroupQuery,
  ErrorGroupStats,
  LogAnswer,
  LogQuery,
  MetricGrid,
  MetricQuery,
  MetricSeries,
  ServiceNode,
  TelemetryPort,
  SpanTrace,
  TraceQuery,
  TraceSampleQuery,
  TraceSummary,
} from './port'

/** A telemetry port that passes every question on to another: decorators override what they change. */
export class ForwardingTelemetry implements TelemetryPort {
  readonly name: string
  readonly metricGrid?: MetricGrid
  readonly alertPolicy?: (query: AlertPolicyQuery) => Promise<AlertPolicySummary | null>
  readonly errorEvents?: (query: ErrorEventQuery) => Promise<ErrorEvent[]>
  readonly trace?: (traceId: string) => Promise<TraceSummary | null>
  readonly changeEvents?: (query: ChangeEventQuery) => Promise<ChangeEvent[]>
  readonly sampleTraces?: (query: TraceSampleQuery) => Promise<SpanTrace[]>
  readonly links?: ConsoleLinks

  /** `metricGrid: false` hides the wrapped port's grid (as a provider without one). */
  constructor(
    protected readonly inner: TelemetryPort,
    options: { metricGrid?: boolean } = {},
  ) {
    this.name = inner.name
    if (inner.metricGrid && options.metricGrid !== false) this.metricGrid = inner.metricGrid
    if (inner.alertPolicy) this.alertPolicy = inner.alertPolicy.bind(inner)
    if (inner.errorEvents) this.errorEvents = inner.errorEvents.bind(inner)
    if (inner.trace) this.trace = inner.trace.bind(inner)
    if (inner.changeEvents) this.changeEvents = inner.changeEvents.bind(inner)
    if (inner.sampleTraces) this.sampleTraces = inner.sampleTraces.bind(inner)
    if (inner.links) this.links = inner.links
  }

  metrics(query: MetricQuery): Promise<MetricSeries> {
    return this.inner.metrics(query)
  }

  logs(query: LogQuery): Promise<LogAnswer> {
    return this.inner.logs(query)
  }

  errors(query: ErrorGroupQuery): Promise<ErrorGroupStats[]> {
    return this.inner.errors(query)
  }

  traces(query: TraceQuery): Promise<TraceSummary[]> {
    return this.inner.traces(query)
  }

  services(): Promise<ServiceNode[]> {
    return this.inner.services()
  }
}
