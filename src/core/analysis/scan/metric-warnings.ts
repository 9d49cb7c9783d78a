import { MINUTE_MS } from '../../durations'
import { findAnomalyEpisodes, SCAN_EPISODE_RULE, type EpisodeRule } from '../anomaly/anomaly-episodes'
import type { AnomalySignal } from '../anomaly/streaming-anomaly-detector'
import { formatMetricValue } from '../series-stats'
import { METRIC_LABEL, SATURATION_LEVEL } from '../watched-metrics'
import type { MetricKind, MetricSeries } from '../../telemetry/port'
import { forecastSaturation } from './forecast-saturation'

/** A watched metric that has just become anomalous: a run of surprising points, rising. */
export interface AnomalyWarning {
  kind: 'anomaly'
  service: string
  metric: MetricKind
  unit: string
  onsetAt: Date
  lastAt: Date
  /** Highest anomaly score of the run, in [0, 1]. */
  score: number
  signal: AnomalySignal | null
  points: number
  value: number
  valueBefore: number
}

/** A saturation metric whose recent trend reaches its limit within the horizon. */
export interface SaturationWarning {
  kind: 'saturation'
  service: string
  metric: MetricKind
  unit: string
  level: number
  risePerMinute: number
  minutesToFull: number
  fullAt: Date
}

export type MetricWarning = AnomalyWarning | SaturationWarning

export interface AssessOptions {
  now: Date
  /** Only runs with a point this recent are warned about: the scan interval, so no run falls between two scans. */
  recentMinutes: number
  horizonMinutes: number
  rule?: EpisodeRule
}

/**
 * What one series warns of: its latest run of anomalous points, when recent and upwards (every
 * watched metric is worse higher), and for saturation metrics a forecast of when they are full.
 */
export function assessMetricSeries(series: MetricSeries, options: AssessOptions): MetricWarning[] {
  const now = options.now.getTime()
  const points = series.points.map((p) => ({ at: p.at.getTime(), value: p.value }))
  const warnings: MetricWarning[] = []
  const episodes = findAnomalyEpisodes(points, options.rule ?? SCAN_EPISODE_RULE)
  const latest = episodes[episodes.length - 1]
  // A run that went down (latency dropping) is not a warning for a metric where higher is worse.
  if (latest && latest.lastAt >= now - options.recentMinutes * MINUTE_MS && !(latest.value <= latest.valueBefore)) {
    warnings.push({
      kind: 'anomaly',
      service: series.service,
      metric: series.metric,
      unit: series.unit,
      onsetAt: new Date(latest.onsetAt),
      lastAt: new Date(latest.lastAt),
      score: latest.score,
      signal: latest.signal,
      points: latest.points,
      value: latest.value,
      valueBefore: latest.valueBefore,
    })
  }
  if (SATURATION_LEVEL[series.metric] !== undefined) {
    const forecast = forecastSaturation(points, { now, limit: 1, horizonMinutes: options.horizonMinutes })
    if (forecast) {
      warnings.push({
        kind: 'saturation',
        service: series.service,
        metric: series.metric,
        unit: series.unit,
        level: forecast.level,
        risePerMinute: forecast.risePerMinute,
        minutesToFull: forecast.minutesToFull,
        fullAt: new Date(forecast.fullAt),
      })
    }
  }
  return warnings
}

export function utcTime(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`
}

/** Like formatMetricValue, but a small ratio keeps two digits (an error rate of 0.4 % is not "0%"). */
function formatLevel(value: number, unit: string): string {
  return unit === 'ratio' && Math.abs(value) < 0.1 && value !== 0 ? `${Number((value * 100).toPrecision(2))}%` : formatMetricValue(value, unit)
}

/** One line: "checkout-db connections at 78%, rising 2.0%/min: full in ~11 min". */
export function describeMetricWarning(w: MetricWarning): string {
  if (w.kind === 'anomaly') {
    return (
      `${w.service} ${w.metric} anomalous since ${utcTime(w.onsetAt)}, score ${w.score.toFixed(2)}: ` +
      `${formatLevel(w.value, w.unit)} vs ${formatLevel(w.valueBefore, w.unit)} before`
    )
  }
  const rise = w.unit === 'ratio' ? `${Number((w.risePerMinute * 100).toPrecision(2))}%/min` : `${formatMetricValue(w.risePerMinute, w.unit)}/min`
  const when = w.minutesToFull < 1 ? 'full within a minute' : `full in ~${Math.round(w.minutesToFull)} min (${utcTime(w.fullAt)})`
  return `${w.service} ${METRIC_LABEL[w.metric]} at ${formatLevel(w.level, w.unit)}, rising ${rise}: ${when}`
}
