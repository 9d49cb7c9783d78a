import type { ErrorGroupQuery, ErrorGroupStats, LogAnswer, LogQuery, MetricGrid, MetricQuery, MetricSeries, TelemetryPort, TraceQuery, TraceSummary } from '../../src/core/telemetry/port'

/** Wraps a telemetry port and records every metric query it passes on; can fail the next ones, or hide the grid. */
export class CountingTelemetry implements TelemetryPort {
  readonly name: string
  readonly metricGrid?: MetricGrid
  readonly metricQueries: MetricQuery[] = []
  private readonly failures: Error[] = []

  constructor(private readonly inner: TelemetryPort, options: { hideGrid?: boolean } = {}) {
    this.name = inner.name
    if (inner.metricGrid && !options.hideGrid) this.metricGrid = inner.metricGrid
  }

  /** The next metric query fails with `error` (queued: several calls fail several queries). */
  failNextMetrics(error: Error): void {
    this.failures.push(error)
  }

  /** Metric queries per "service metric", as the decorated port saw them. */
  queriesPerSeries(): Map<string, number> {
    const counts = new Map<string, number>()
    for (const q of this.metricQueries) counts.set(`${q.service} ${q.metric}`, (counts.get(`${q.service} ${q.metric}`) ?? 0) + 1)
    return counts
  }

  async metrics(query: MetricQuery): Promise<MetricSeries> {
    this.metricQueries.push(query)
    const failure = this.failures.shift()
    if (failure) throw failure
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

  services(): Promise<Array<{ name: string; dependsOn: string[] }>> {
    return this.inner.services()
  }
}
