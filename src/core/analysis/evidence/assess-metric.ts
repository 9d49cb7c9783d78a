import { HOUR_MS } from '../../durations'
import { findAnomalyEpisodes, INCIDENT_EPISODE_RULE } from '../anomaly/anomaly-episodes'
import type { MetricKind, MetricSeries } from '../../telemetry/port'
import { summarize } from '../series-stats'
import { SATURATION_LEVEL } from '../watched-metrics'

export interface MetricFinding {
  service: string
  metric: MetricKind
  unit: string
  current: number
  baseline: number
  ratio: number
  anomalous: boolean
  /** Time of the newest point in the incident window: how current this series is. */
  newestAt: Date | null
  /**
   * Highest surprise of the detector's first upward episode reaching into the window, in [0, 1]; 0 without one
   * (or when the window is under 1.2× its baseline and its level, where the detector is not run).
   */
  anomalyScore: number
  /** First point of that run, when the finding is anomalous: when the metric became so (it may precede the window). */
  anomalousSince: Date | null
}

// Onsets are looked for this far into the window at most (the incident's start is near its beginning).
const DETECTOR_HOURS_INTO_WINDOW = 6
// A statistically surprising rise smaller than this is not worth naming as evidence.
const DETECTED_MIN_RATIO = 1.2

/**
 * Compares the window with the hour before (p95 against the mean), and dates the rise with the
 * streaming detector: the first run of surprising points that reaches into the window. A
 * saturation metric is anomalous at its level whatever its baseline; any metric at 1.5× its
 * baseline; a detected rise when it is also at least 1.2× (a tiny but unusual change is not evidence).
 */
export function assessMetric(
  service: string,
  metric: MetricKind,
  series: MetricSeries,
  window: { start: Date; end: Date },
  baseline: { start: Date; end: Date },
): MetricFinding | null {
  const within = (w: { start: Date; end: Date }) => series.points.filter((p) => p.at >= w.start && p.at <= w.end).map((p) => p.value)
  const current = summarize(within(window)).p95
  const base = summarize(within(baseline)).mean
  if (!Number.isFinite(current) || !Number.isFinite(base)) return null
  const ratio = base > 0 ? current / base : current > 0 ? Infinity : 1
  const level = SATURATION_LEVEL[metric]
  const newestAt = series.points.reduce<Date | null>((newest, p) => (p.at <= window.end && (newest === null || p.at > newest) ? p.at : newest), null)
  const high = level === undefined || current >= level * 0.6
  const atLevel = level !== undefined && current >= level
  // Below 1.2× and under its level a series cannot be evidence, so the detector (~0.25 ms a series, more when cold) is spared.
  const episode =
    ratio >= DETECTED_MIN_RATIO || atLevel
      ? findAnomalyEpisodes(pointsToScore(series, window), INCIDENT_EPISODE_RULE).find((e) => e.lastAt >= window.start.getTime() && !(e.value <= e.valueBefore))
      : undefined
  const anomalous = (ratio >= 1.5 && current - base > Math.abs(base) * 0.2 && high) || atLevel || (episode !== undefined && ratio >= DETECTED_MIN_RATIO && high)
  return {
    service,
    metric,
    unit: series.unit,
    current,
    baseline: base,
    ratio: Number.isFinite(ratio) ? ratio : 99,
    anomalous,
    anomalyScore: episode?.score ?? 0,
    anomalousSince: anomalous && episode ? new Date(episode.onsetAt) : null,
    newestAt,
  }
}

/** The history and the first hours of the window: an incident analysed long after it began still costs a bounded few hundred points a series. */
function pointsToScore(series: MetricSeries, window: { start: Date; end: Date }): Array<{ at: number; value: number }> {
  const last = window.start.getTime() + DETECTOR_HOURS_INTO_WINDOW * HOUR_MS
  return series.points.filter((p) => p.at.getTime() <= last).map((p) => ({ at: p.at.getTime(), value: p.value }))
}
