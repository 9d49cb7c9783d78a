import { ForwardingTelemetry } from '../../src/core/telemetry/forwarding-telemetry'
import type { MetricQuery, MetricSeries, TelemetryPort } from '../../src/core/telemetry/port'

/** Wraps a telemetry port and records every metric query it passes on; can fail the next ones, or hide the grid. */
export class CountingTelemetry extends ForwardingTelemetry {
  readonly metricQueries: MetricQuery[] = []
  private readonly failures: Error[] = []

  constructor(inner: TelemetryPort, options: { hideGrid?: boolean } = {}) {
    super(inner, { metricGrid: !options.hideGrid })
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

  override async metrics(query: MetricQuery): Promise<MetricSeries> {
    this.metricQueries.push(query)
    const failure = this.failures.shift()
    if (failure) throw failure
    return this.inner.metrics(query)
  }
}
