import { withDeadline } from '../../deadline'
import { MINUTE_MS } from '../../durations'
import { errorMessage, hasErrorCode } from '../../errors'
import type { MetricKind, TelemetryPort } from '../../telemetry/port'
import { WATCHED_METRICS } from '../watched-metrics'
import { assessMetricSeries, type AssessOptions, type MetricWarning } from './metric-warnings'

export interface FleetScanOptions extends AssessOptions {
  /** History fetched per series: the detector needs about 150 points before it says anything. */
  historyMinutes?: number
  stepSeconds?: number
  /** Deadline of each query; a slow one costs only its own series. */
  deadlineMs?: number
}

export interface FleetScan {
  warnings: MetricWarning[]
  /** Series fetched and scored. */
  scanned: number
  /** Service and metric pairs the provider does not export. */
  notExported: number
  failed: Array<{ service: string; metric: MetricKind; reason: string }>
}

/**
 * Scores the recent series of every watched metric of every service the provider knows: one
 * query per series, the history and the recent points together.
 */
export async function scanFleetMetrics(telemetry: TelemetryPort, options: FleetScanOptions): Promise<FleetScan> {
  const deadlineMs = options.deadlineMs ?? 10_000
  const end = options.now
  const start = new Date(end.getTime() - (options.historyMinutes ?? 240) * MINUTE_MS)
  const services = await withDeadline(telemetry.services(), deadlineMs, 'the service list')
  const scan: FleetScan = { warnings: [], scanned: 0, notExported: 0, failed: [] }
  const pairs = services.flatMap((s) => WATCHED_METRICS.map((metric) => ({ service: s.name, metric })))
  await Promise.all(
    pairs.map(async ({ service, metric }) => {
      try {
        const series = await withDeadline(
          Promise.resolve().then(() => telemetry.metrics({ service, metric, start, end, stepSeconds: options.stepSeconds ?? 60 })),
          deadlineMs,
          `${service} ${metric}`,
        )
        scan.scanned++
        scan.warnings.push(...assessMetricSeries(series, options))
      } catch (err) {
        if (hasErrorCode(err, 'telemetry_query_invalid')) scan.notExported++
        else scan.failed.push({ service, metric, reason: errorMessage(err) })
      }
    }),
  )
  const order = new Map(pairs.map((p, i) => [`${p.service}\u0000${p.metric}`, i]))
  scan.warnings.sort((a, b) => order.get(`${a.service}\u0000${a.metric}`)! - order.get(`${b.service}\u0000${b.metric}`)! || a.kind.localeCompare(b.kind))
  return scan
}
