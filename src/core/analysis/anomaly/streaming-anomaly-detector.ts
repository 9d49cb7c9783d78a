import { InvalidMetricSeriesError } from './invalid-metric-series-error'
import { RecentPoints } from './recent-points'
import { ContextNoveltyView } from './context-novelty-view'
import { RelativeEntropyView } from './relative-entropy-view'
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

/**
 * The detector's structural rules, each switchable so that `sre-agent eval nab --ablate` can measure
 * what it is worth under leave-one-category-out (docs/benchmarks/nab.md). The defaults are the shipped detector.
 */
export interface DetectorRules {
  /** Residual from the running median. */
  medianView: boolean
  /** Residual from the same time of day on recent days. */
  seasonalView: boolean
  /** The average rank of the last few residuals judged too. */
  sustainedView: boolean
  /** Past the tail quantile, odds from a fitted exponential tail (off: empirical odds only). */
  fittedTail: boolean
  /** The tail scale is at least 1e-3 of the value range. */
  tailScaleFloor: boolean
  /** A value 5 % beyond the remembered range is fully surprising. */
  outOfRange: boolean
  /** Only the start of a surprise scores. */
  suppression: boolean
  /**
   * How the views' single-point and sustained surprises are combined: 'product' multiplies their odds (adds the
   * surprises), 'max' takes the largest, 'fisher' is Fisher's method (the product's odds corrected for the number of views).
   */
  combine: 'product' | 'max' | 'fisher'
  /** Opt-in: the distance beyond the remembered range judged against its own history, like a residual (instead of, or beside, the 5 % rule). */
  gradedRangeView: boolean
  /** Opt-in: the relative-entropy view (relative-entropy-view.ts). */
  relativeEntropyView: boolean
  /** Opt-in: the contextual novelty view (context-novelty-view.ts). */
  contextView: boolean
}

export const DEFAULT_DETECTOR_RULES: DetectorRules = {
  medianView: true,
  seasonalView: true,
  sustainedView: true,
  fittedTail: true,
  tailScaleFloor: true,
  outOfRange: true,
  suppression: true,
  combine: 'product',
  gradedRangeView: false,
  relativeEntropyView: false,
  contextView: false,
}

const RING_CAPACITY = 16_384
// A residual tail is never thinner than this share of the value range: without it a bounded tail
// (a clean periodic signal) fits a near-zero scale and any new maximum, however tiny, looks impossible.
const TAIL_SCALE_FLOOR = 1e-3
// Residuals below this share of the value's magnitude are floating-point noise, not deviations.
const RESOLUTION = 1e-9

/** Combines the surprises of the views in use (a negative entry is a view not in use). */
export function combineSurprises(surprises: readonly number[], how: DetectorRules['combine']): number {
  let sum = 0
  let max = 0
  let k = 0
  for (const s of surprises) {
    if (s < 0) continue
    sum += s
    max = Math.max(max, s)
    k++
  }
  if (k === 0) return 0
  if (how === 'max') return max
  if (how === 'product' || k === 1) return Math.min(1, sum)
  // Fisher: x = -2 Σ ln p ~ χ²(2k); P(X ≥ x) = e^(-x/2) Σ_{j<k} (x/2)^j / j!. A surprise s is p = 10^(-10 s).
  const half = sum * 10 * Math.LN10
  let term = 1
  let series = 1
  for (let j = 1; j < k; j++) {
    term *= half / j
    series += term
  }
  const log10p = (-half + Math.log(series)) / Math.LN10
  return Math.min(1, Math.max(0, -log10p / 10))
}

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
  private readonly rules: DetectorRules
  private readonly entropy: RelativeEntropyView | null
  private readonly entropyView: ResidualView | null
  private readonly context: ContextNoveltyView | null
  private readonly rangeView: ResidualView | null
  private readonly contextResidual: ResidualView | null
  private seen = 0
  private lastTime = -Infinity

  constructor(options: Partial<StreamingAnomalyDetectorOptions> = {}, rules: Partial<DetectorRules> = {}) {
    this.options = { ...DEFAULT_DETECTOR_OPTIONS, ...options }
    this.rules = { ...DEFAULT_DETECTOR_RULES, ...rules }
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
    const viewOptions = { ...o, sustained: this.rules.sustainedView, fittedTail: this.rules.fittedTail }
    this.local = new ResidualView(viewOptions)
    this.seasonal = new ResidualView(viewOptions)
    this.range = new SlidingSortedWindow(o.historyPoints)
    this.recentSurprises = new Float64Array(Math.max(1, o.suppressionPoints))
    const graded = { ...viewOptions, sustained: false }
    this.entropy = this.rules.relativeEntropyView ? new RelativeEntropyView() : null
    this.entropyView = this.rules.relativeEntropyView ? new ResidualView(graded) : null
    this.context = this.rules.contextView ? new ContextNoveltyView(o.historyPoints) : null
    this.contextResidual = this.rules.contextView ? new ResidualView(graded) : null
    this.rangeView = this.rules.gradedRangeView ? new ResidualView(graded) : null
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

    const rules = this.rules
    const minTailScale = this.range.size && rules.tailScaleFloor ? TAIL_SCALE_FLOOR * (this.range.max - this.range.min) : 0
    const resolution = RESOLUTION * Math.max(Math.abs(value), this.range.size ? this.range.max - this.range.min : 0)
    const none = { spike: 0, sustained: 0 }
    const local = rules.medianView ? this.local.observe(roundToZero(this.points.distanceFromRecentMedian(value), resolution), minTailScale) : none
    const seasonal = rules.seasonalView
      ? this.seasonal.observe(roundToZero(this.points.distanceFromSameTimeOnRecentDays(time, value), resolution), minTailScale)
      : none
    this.points.push(time, value)
    const min = this.range.size ? this.range.min : value
    const max = this.range.size ? this.range.max : value
    const entropy = this.entropy && this.entropyView ? this.entropyView.observe(this.entropy.observe(value, min, max), 0).spike : 0
    const beyond = this.range.size ? Math.max(0, value - this.range.max, this.range.min - value) : NaN
    const ranged = this.rangeView ? this.rangeView.observe(roundToZero(beyond, resolution), minTailScale).spike : 0
    const context = this.context && this.contextResidual ? this.contextResidual.observe(this.context.observe(value, min, max), 0).spike : 0
    // Multiplied, the views' odds (surprises added): a point odd in several is odder than in either.
    const spikeName: AnomalySignal = seasonal.spike > local.spike ? 'unlike-same-time-on-recent-days' : 'spike'
    const sustainedName: AnomalySignal = seasonal.sustained > local.sustained ? 'sustained-seasonal-change' : 'sustained-shift'
    const spikes = [
      rules.medianView ? local.spike : -1,
      rules.seasonalView ? seasonal.spike : -1,
      this.entropy ? entropy : -1,
      this.context ? context : -1,
      this.rangeView ? ranged : -1,
    ]
    const sustained = rules.sustainedView ? [rules.medianView ? local.sustained : -1, rules.seasonalView ? seasonal.sustained : -1] : []
    const candidates: Array<[number, AnomalySignal]> = [
      [combineSurprises(spikes, rules.combine), spikeName],
      [combineSurprises(sustained, rules.combine), sustainedName],
    ]
    if (rules.outOfRange && this.range.size >= this.options.minHistory) {
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
    const score = surprise > recentMax || !rules.suppression ? surprise : 0
    return { score, surprise, signal }
  }
}
