import { HOUR_MS } from '../../durations'
import { hasErrorCode } from '../../errors'
import type { MetricSeries, TelemetryPort } from '../../telemetry/port'
import { WATCHED_METRICS } from '../watched-metrics'
import { askWithDeadline, type Asked } from './ask-with-deadline'
import { assessMetric, type MetricFinding } from './assess-metric'

/** Hours of history fetched with the window: the detector needs ~150 points to warm up, and the baseline hour is inside. */
export const HISTORY_HOURS = 4

/**
 * Each watched metric of each service, now and in the hour before, from one query per series
 * that also carries the history the anomaly detector warms up on; null where the service does
 * not export it.
 */
export async function collectMetricFindings(
  telemetry: TelemetryPort,
  services: string[],
  window: { start: Date; end: Date },
  baseline: { start: Date; end: Date },
  deadlineMs: number,
): Promise<Array<Asked<MetricFinding | null>>> {
  const queries = services.flatMap((service) => WATCHED_METRICS.map((metric) => ({ service, metric })))
  const history = { start: new Date(window.start.getTime() - HISTORY_HOURS * HOUR_MS), end: window.end }
  return Promise.all(
    queries.map(({ service, metric }) =>
      askWithDeadline(
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
