import { HOUR_MS, MINUTE_MS } from '../../durations'
import { cleanSeries, median, robustSpread } from '../rca/clean-series'
import { scoreMetricSeries } from './score-metric-series'
import { DEFAULT_DETECTOR_OPTIONS, type AnomalySignal, type StreamingAnomalyDetectorOptions } from './streaming-anomaly-detector'

export interface TimedValue {
  /** Epoch milliseconds. */
  at: number
  value: number
}

/** When a surprising point starts an anomaly. */
export interface EpisodeRule {
  /** A point may start an episode when its surprise (before suppression) is at least this. */
  threshold: number
  /** Points, the surprising one first, that must all stay away from the level before it; a lone outlier is not an episode. */
  minConsecutive: number
}

/**
 * The detector is surprised once by a step (the next points are no longer new), so "several
 * consecutive anomalous points" means: a surprising point, and the points after it still away
 * from the level before it by more than DISPLACEMENT_NOISE_WIDTHS of that level's noise. On
 * 4-hour windows of the demo fleet at 60 s (a week of scans, every watched metric of every
 * service) this gives no warning on healthy series (3 noise widths gave 2, on slow memory drift),
 * while every injected fault is found within minutes (docs/benchmarks/nab.md, "Used live and by the scan").
 */
export const SCAN_EPISODE_RULE: EpisodeRule = { threshold: 0.99, minConsecutive: 3 }
/** During an incident something is known to be wrong, so a shorter run is enough to date it. */
export const INCIDENT_EPISODE_RULE: EpisodeRule = { threshold: 0.99, minConsecutive: 2 }

export interface AnomalyEpisode {
  /** Time of the surprising point that started it: when the metric became anomalous. */
  onsetAt: number
  /** Time of its last point still away from the level before (the newest point while it lasts). */
  lastAt: number
  points: number
  /** Highest surprise in the episode, in [0, 1]. */
  score: number
  /** What made the first point surprising. */
  signal: AnomalySignal | null
  /** Median of the episode's values. */
  value: number
  /** Median of the half hour before the onset: the level it left. */
  valueBefore: number
}

const BEFORE_MS = HOUR_MS
const LEVEL_MS = 30 * MINUTE_MS
const DISPLACEMENT_NOISE_WIDTHS = 4
// Fewer points than this before a surprise: no level to measure a displacement from.
const MIN_POINTS_BEFORE = 10

/**
 * Scores the series with a fresh streaming detector (each point judged only from the points before
 * it) and returns its episodes, oldest first: a surprising point followed by enough points that stay
 * on the same side of the level before it, clear of that level's noise. Points out of time order
 * are put in order and points sharing a time averaged; points without a finite value or time are
 * gaps: they neither count towards an episode nor break it.
 */
export function findAnomalyEpisodes(
  points: readonly TimedValue[],
  rule: EpisodeRule,
  detector: Partial<StreamingAnomalyDetectorOptions> = {},
): AnomalyEpisode[] {
  const clean = cleanSeries(points).points
  // A memory no longer than the series forgets nothing, so the scores are the same, with smaller buffers.
  const historyPoints = Math.min(detector.historyPoints ?? DEFAULT_DETECTOR_OPTIONS.historyPoints, Math.max(1, clean.length))
  const scores = scoreMetricSeries(
    clean.map((p) => ({ timestamp: p.at, value: p.value })),
    { ...detector, historyPoints },
  )
  const episodes: AnomalyEpisode[] = []
  // First point of the hour before point i; only moves forward, so the whole pass stays linear.
  let hourStart = 0
  for (let i = 0; i < clean.length; i++) {
    if (scores[i]!.surprise < rule.threshold) continue
    const onsetAt = clean[i]!.at
    while (clean[hourStart]!.at < onsetAt - BEFORE_MS) hourStart++
    const before = clean.slice(hourStart, i)
    if (before.length < MIN_POINTS_BEFORE) continue
    const level = median(before.filter((p) => p.at >= onsetAt - LEVEL_MS).map((p) => p.value))
    const noise = robustSpread(before.map((p) => p.value))
    const direction = Math.sign(clean[i]!.value - level)
    let end = i
    while (end < clean.length && direction * (clean[end]!.value - level) > DISPLACEMENT_NOISE_WIDTHS * noise) end++
    if (end - i < rule.minConsecutive) continue
    const run = clean.slice(i, end)
    episodes.push({
      onsetAt,
      lastAt: clean[end - 1]!.at,
      points: end - i,
      score: scores.slice(i, end).reduce((max, s) => Math.max(max, s!.surprise), 0),
      signal: scores[i]!.signal,
      value: median(run.map((p) => p.value)),
      valueBefore: level,
    })
    i = end - 1
  }
  return episodes
}
