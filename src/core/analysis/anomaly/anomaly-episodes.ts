import { cleanSeries, median } from '../rca/clean-series'
import { scoreMetricSeries } from './score-metric-series'
import type { AnomalySignal, StreamingAnomalyDetectorOptions } from './streaming-anomaly-detector'

export interface TimedValue {
  /** Epoch milliseconds. */
  at: number
  value: number
}

/** When a run of surprising points counts as an anomaly. */
export interface EpisodeRule {
  /** A point is anomalous when its surprise (before suppression) is at least this. */
  threshold: number
  /** Consecutive anomalous points needed; a lone outlier is not an episode. */
  minConsecutive: number
}

/**
 * On a 4-hour window of the demo fleet at 60 s (1,376 healthy windows, every watched metric of every
 * service) no run of surprising points was longer than 2, while injected faults give runs of 3 to 6
 * (docs/benchmarks/nab.md, "Used live and by the scan"). The detector's surprise is nearly
 * two-valued (≈1 or below 0.4), so the threshold matters less than the run length.
 */
export const SCAN_EPISODE_RULE: EpisodeRule = { threshold: 0.99, minConsecutive: 3 }
/** During an incident something is known to be wrong, so a shorter run is enough to date it. */
export const INCIDENT_EPISODE_RULE: EpisodeRule = { threshold: 0.99, minConsecutive: 2 }

export interface AnomalyEpisode {
  /** Time of the run's first point: when the metric became anomalous. */
  onsetAt: number
  /** Time of the run's last point. */
  lastAt: number
  points: number
  /** Highest surprise in the run, in [0, 1]. */
  score: number
  /** What made the first point surprising. */
  signal: AnomalySignal | null
  /** Median of the run's values. */
  value: number
  /** Median of the hour before the onset (NaN when there is none): tells a rise from a drop. */
  valueBefore: number
}

const BEFORE_MS = 3_600_000

/**
 * Scores the series with a fresh streaming detector (each point judged only from the points before
 * it) and returns the runs of at least `minConsecutive` surprising points, oldest first. Points out
 * of time order are put in order and points sharing a time averaged; points without a finite value
 * or time are gaps: they neither count towards a run nor break it.
 */
export function findAnomalyEpisodes(points: readonly TimedValue[], rule: EpisodeRule, detector: Partial<StreamingAnomalyDetectorOptions> = {}): AnomalyEpisode[] {
  const clean = cleanSeries(points).points
  const scores = scoreMetricSeries(clean.map((p) => ({ timestamp: p.at, value: p.value })), detector)
  const episodes: AnomalyEpisode[] = []
  let runStart = -1
  const close = (end: number) => {
    if (runStart >= 0 && end - runStart >= rule.minConsecutive) episodes.push(episodeOf(clean, scores, runStart, end))
    runStart = -1
  }
  for (let i = 0; i < clean.length; i++) {
    if (scores[i]!.surprise >= rule.threshold) {
      if (runStart < 0) runStart = i
    } else close(i)
  }
  close(clean.length)
  return episodes
}

function episodeOf(points: TimedValue[], scores: ReturnType<typeof scoreMetricSeries>, start: number, end: number): AnomalyEpisode {
  const onsetAt = points[start]!.at
  const run = points.slice(start, end)
  const before = points.filter((p) => p.at < onsetAt && p.at >= onsetAt - BEFORE_MS).map((p) => p.value)
  return {
    onsetAt,
    lastAt: points[end - 1]!.at,
    points: end - start,
    score: Math.max(...scores.slice(start, end).map((s) => s!.surprise)),
    signal: scores[start]!.signal,
    value: median(run.map((p) => p.value)),
    valueBefore: before.length ? median(before) : NaN,
  }
}
