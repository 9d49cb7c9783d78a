import { ForwardingTelemetry } from './forwarding-telemetry'
import { MetricNotExportedError, type MetricQuery, type MetricSeries } from './port'
import { canSliceMetricSeries, sliceMetricSeries } from './slice-metric-series'

/** A metric answer asked of the wrapped port, settled or still on its way. */
interface AskedSeries {
  startMs: number
  endMs: number
  answer: Promise<MetricSeries>
}

/**
 * The telemetry of one analysis: each metric series asked is remembered, and a later query for a
 * window inside one already asked (same service, metric and step) is cut from it instead of
 * asking the provider again; an identical query still on its way is waited for. Cutting needs
 * the provider's metricGrid (without it only the very same window is reused). Failures are not
 * remembered, except that a service does not export a metric (true of any window). Logs, errors,
 * traces and policies pass through. Made for one analysis and dropped with it: what it
 * remembers is never refreshed.
 */
export class MetricSeriesReuse extends ForwardingTelemetry {
  private readonly asked = new Map<string, AskedSeries[]>()
  private readonly notExported = new Map<string, MetricNotExportedError>()
  /** Metric queries sent to the wrapped port. */
  private sent = 0

  /** Metric queries sent to the wrapped port so far (the others were answered from what it remembers). */
  get metricQueriesSent(): number {
    return this.sent
  }

  override async metrics(query: MetricQuery): Promise<MetricSeries> {
    const startMs = query.start instanceof Date ? query.start.getTime() : NaN
    const endMs = query.end instanceof Date ? query.end.getTime() : NaN
    // A window the provider will refuse is its to refuse, with its own message.
    if (!(startMs <= endMs)) return this.inner.metrics(query)
    const refusal = this.notExported.get(JSON.stringify([query.service, query.metric]))
    if (refusal) throw refusal
    const key = JSON.stringify([query.service, query.metric, query.stepSeconds ?? null])
    const sliceable = canSliceMetricSeries(this.metricGrid, query.stepSeconds)
    for (const earlier of [...(this.asked.get(key) ?? [])]) {
      const same = earlier.startMs === startMs && earlier.endMs === endMs
      if (!same && !(sliceable && earlier.startMs <= startMs && endMs <= earlier.endMs)) continue
      let series: MetricSeries
      try {
        series = await earlier.answer
      } catch (err) {
        if (err instanceof MetricNotExportedError) throw err
        // It failed for its asker; this query asks for itself.
        continue
      }
      return same ? { ...series, points: [...series.points] } : sliceMetricSeries(series, query, this.metricGrid!, query.stepSeconds!)
    }
    return this.ask(key, query, startMs, endMs)
  }

  private async ask(key: string, query: MetricQuery, startMs: number, endMs: number): Promise<MetricSeries> {
    this.sent++
    const answer = Promise.resolve().then(() => this.inner.metrics({ ...query }))
    const entry: AskedSeries = { startMs, endMs, answer }
    this.asked.set(key, [...(this.asked.get(key) ?? []), entry])
    answer.catch((err: unknown) => {
      if (err instanceof MetricNotExportedError) this.notExported.set(JSON.stringify([query.service, query.metric]), err)
      const left = (this.asked.get(key) ?? []).filter((e) => e !== entry)
      if (left.length) this.asked.set(key, left)
      else this.asked.delete(key)
    })
    const series = await answer
    return { ...series, points: [...series.points] }
  }
}
