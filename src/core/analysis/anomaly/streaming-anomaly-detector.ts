import { InvalidMetricSeriesError } from './invalid-metric-series-error'
import { RecentPoints } from './recent-points'
import { ResidualView } from './residual-view'
import { SlidingSortedWindow } from './sliding-sorted-window'

/** Which view of the series found the point surprising. */
export type AnomalySignal = 'spike' | 'unlike-same-time-on-recent-days' | 'sustained-shift' | 'sustained-seasonal-change' | 'out-of-range'

export interface AnomalyPointScore {
  /** In [0, 1]; high only where a surprise starts (it is 0 while a surprise is no larger than one of the last `suppressionPoints`). */
  score: number
  /** In [0, 1]: how surprising the point is on its own, before that suppression. */
  surprise: number
  /** What made the surprise, when there was one. */
  signal: AnomalySignal | null
}

export interface StreamingAnomalyDetectorOptions {
  /** Points of history each distribution keeps (the detector's memory). */
  historyPoints: number
  /** Points seen before the detector says anything (scores are 0 until then). */
  minHistory: number
  /** Window of the running median a point is compared with. */
  medianWindow: number
  /** Days back compared at the same time of day. */
  seasonalDays: number
  /** Neighbours on each side of the same-time point that may match (clock jitter). */
  seasonalJitter: number
  /** Points averaged by the sustained-change views. */
  sustainedPoints: number
  /** Quantile past which surprise odds come from a fitted exponential tail. */
  tailQuantile: number
  /** A point this far outside the remembered range (share of the range) is out of range. */
  rangeMargin: number
  /** A surprise is reported only if larger than all surprises of this many previous points. */
  suppressionPoints: number
}

/**
 * Tail level, suppression, median window and minimum history were picked from a 24-point grid
 * on the NAB corpus part in ../shared/datasets; memory and sustained span were tried by hand
 * there (docs/benchmarks/nab.md). The 5 % range margin is Numenta's spatial tolerance; 7 days covers a week.
 */
export const DEFAULT_DETECTOR_OPTIONS: StreamingAnomalyDetectorOptions = {
  historyPoints: 4000,
  minHistory: 150,
  medianWindow: 16,
  seasonalDays: 7,
  seasonalJitter: 2,
  sustainedPoints: 6,
  tailQuantile: 0.995,
  rangeMargin: 0.05,
  suppressionPoints: 25,
}

const RING_CAPACITY = 16_384
// A residual tail is never thinner than this share of the value range: without it a bounded tail
// (a clean periodic signal) fits a near-zero scale and any new maximum, however tiny, looks impossible.
const TAIL_SCALE_FLOOR = 1e-3
// Residuals below this share of the value's magnitude are floating-point noise, not deviations.
const RESOLUTION = 1e-9

function roundToZero(residual: number, resolution: number): number {
  return residual <= resolution ? 0 : residual
}

/**
 * Online anomaly scores for one metric series; each point is judged only against the points
 * before it. Two residuals — distance from the running median (spikes, level shifts) and from
 * the same time of day on recent days (seasonal breaks) — are turned into odds against their own
 * history, as single points and as a short run (sustained changes); the odds of both residuals
 * are multiplied. A value well outside the remembered range is a surprise of its own. A point
 * scores its surprise only when that beats every surprise of the last `suppressionPoints`, so an
 * anomaly is reported where it starts. O(historyPoints) time per point at worst (a memmove),
 * about 0.6 MB of memory with the defaults.
 */
export class StreamingAnomalyDetector {
  private readonly options: StreamingAnomalyDetectorOptions
  private readonly points: RecentPoints
  private readonly local: ResidualView
  private readonly seasonal: ResidualView
  private readonly range: SlidingSortedWindow
  private readonly recentSurprises: Float64Array
  private seen = 0
  private lastTime = -Infinity

  constructor(options: Partial<StreamingAnomalyDetectorOptions> = {}) {
    this.options = { ...DEFAULT_DETECTOR_OPTIONS, ...options }
    const o = this.options
    for (const [name, value] of Object.entries(o)) {
      const fraction = name === 'tailQuantile' || name === 'rangeMargin'
      if (!Number.isFinite(value) || value < 0 || (!fraction && !Number.isInteger(value)))
        throw new RangeError(`detector option ${name} must be a non-negative ${fraction ? 'number' : 'integer'}`)
    }
    if (o.historyPoints < 1 || o.medianWindow < 1 || o.sustainedPoints < 1)
      throw new RangeError('historyPoints, medianWindow and sustainedPoints must be at least 1')
    if (o.tailQuantile >= 1) throw new RangeError('tailQuantile must be below 1')
    this.points = new RecentPoints(RING_CAPACITY, o.medianWindow, o.seasonalDays, o.seasonalJitter)
    this.local = new ResidualView(o)
    this.seasonal = new ResidualView(o)
    this.range = new SlidingSortedWindow(o.historyPoints)
    this.recentSurprises = new Float64Array(Math.max(1, o.suppressionPoints))
  }

  /** The anomaly score in [0, 1] of the next point. Timestamps must not go backwards; equal ones count as further points. */
  update(timestamp: Date, value: number): number {
    return this.updateDetailed(timestamp, value).score
  }

  /** The score of the next point with its surprise before suppression and what caused it. */
  updateDetailed(timestamp: Date, value: number): AnomalyPointScore {
    const time = timestamp.getTime()
    if (!Number.isFinite(time)) throw new InvalidMetricSeriesError('metric_point_invalid', 'timestamp is not a valid date')
    if (!Number.isFinite(value)) throw new InvalidMetricSeriesError('metric_point_invalid', `value ${value} is not a finite number`)
    if (time < this.lastTime)
      throw new InvalidMetricSeriesError('metric_point_invalid', `timestamp ${timestamp.toISOString()} is earlier than the previous point`)
    this.lastTime = time

    const minTailScale = this.range.size ? TAIL_SCALE_FLOOR * (this.range.max - this.range.min) : 0
    const resolution = RESOLUTION * Math.max(Math.abs(value), this.range.size ? this.range.max - this.range.min : 0)
    const local = this.local.observe(roundToZero(this.points.distanceFromRecentMedian(value), resolution), minTailScale)
    const seasonal = this.seasonal.observe(roundToZero(this.points.distanceFromSameTimeOnRecentDays(time, value), resolution), minTailScale)
    this.points.push(time, value)
    // Both views' odds multiplied (surprises added): a point odd in both is odder than in either.
    const candidates: Array<[number, AnomalySignal]> = [
      [Math.min(1, local.spike + seasonal.spike), seasonal.spike > local.spike ? 'unlike-same-time-on-recent-days' : 'spike'],
      [Math.min(1, local.sustained + seasonal.sustained), seasonal.sustained > local.sustained ? 'sustained-seasonal-change' : 'sustained-shift'],
    ]
    if (this.range.size >= this.options.minHistory) {
      const margin = this.options.rangeMargin * (this.range.max - this.range.min)
      if (value > this.range.max + margin || value < this.range.min - margin) candidates.push([1, 'out-of-range'])
    }
    this.range.push(value)

    let surprise = 0
    let signal: AnomalySignal | null = null
    for (const [s, name] of candidates) {
      if (s > surprise) {
        surprise = s
        signal = name
      }
    }
    let recentMax = 0
    const kept = Math.min(this.seen, this.options.suppressionPoints)
    for (let i = 0; i < kept; i++) recentMax = Math.max(recentMax, this.recentSurprises[i]!)
    if (this.options.suppressionPoints > 0) this.recentSurprises[this.seen % this.options.suppressionPoints] = surprise
    this.seen++
    const score = surprise > recentMax ? surprise : 0
    return { score, surprise, signal }
  }
}
