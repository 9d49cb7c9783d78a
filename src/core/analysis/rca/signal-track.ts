import { median, robustSpread } from './clean-series'
import type { RcaPoint, RcaSignal } from './rca-types'

/** Knobs of the deviation model; one set for every incident (see DEFAULT_RCA_CONFIG). */
export interface DeviationConfig {
  /** Relative noise assumed when neither history nor enough pre-alert points give one. */
  defaultRelativeNoise: number
  /** No series is trusted to be steadier than this, relative to its level. */
  minRelativeNoise: number
  /** History needs at least this many points to set a noise level. */
  minHistoryPoints: number
  /** Without request counts, error ratios are assumed to wobble at least this much. */
  minErrorRatioNoise: number
  /** Quantile of history's own changes that noise is calibrated to (heavy tails and bursts included). */
  historyTailQuantile: number
}

export interface TrackedPoint {
  at: number
  observed: number
  change: number
  /** Deviation in noise units, positive = bad. */
  score: number
  /** Only for errors with request counts: failed requests above what the baseline rate predicts. */
  excessErrors?: number
  /** Requests in this point's interval, when known. */
  requests?: number
}

/** One signal of one node, measured against its baseline over the incident window. */
export interface SignalTrack {
  signal: RcaSignal
  /** Baseline level, null when the node had no data for this signal before the alert. */
  baseline: number | null
  points: TrackedPoint[]
  /** No data before the alert (nor in history) but data during the incident: a dependency that just started being used. */
  appeared: boolean
}

export interface TrackWindow {
  alertAt: number
  step: number
  incidentEnd: number
}

/** Points whose whole interval lies before the alert: the recent baseline. */
export function beforeAlert(points: readonly RcaPoint[], w: TrackWindow): RcaPoint[] {
  return points.filter((p) => p.at + w.step <= w.alertAt)
}

/** Points whose interval contains the alert or starts after it, up to the end of the incident window. */
export function duringIncident(points: readonly RcaPoint[], w: TrackWindow): RcaPoint[] {
  return points.filter((p) => p.at + w.step > w.alertAt && p.at <= w.incidentEnd)
}

/**
 * Latency, saturation and request counts: baseline = median of the pre-alert points
 * (falling back to history). Noise: with enough history, the size of history's own
 * moves against the same kind of baseline (its tail quantile, so spiky series are not
 * mistaken for incidents); otherwise the spread of the pre-alert points or a default.
 */
export function trackLevelSignal(
  signal: Exclude<RcaSignal, 'errors'>,
  series: readonly RcaPoint[],
  history: readonly RcaPoint[],
  w: TrackWindow,
  config: DeviationConfig,
): SignalTrack {
  const pre = beforeAlert(series, w)
  const during = duringIncident(series, w)
  const reference = pre.length > 0 ? pre : history
  if (reference.length === 0) return { signal, baseline: null, points: [], appeared: during.length > 0 && signal !== 'requests' }
  const center = median(reference.map((p) => p.value))
  const level = Math.abs(center)
  const floor = signal === 'requests' ? Math.sqrt(level + 1) : Math.max(config.minRelativeNoise * level, Number.EPSILON * 1e3)
  let scale: number
  if (history.length >= config.minHistoryPoints) {
    scale = Math.max(historyMoveScale(history, Math.max(1, pre.length), config.historyTailQuantile) * level, floor)
  } else {
    const spreadSource = pre.length >= 3 ? pre.map((p) => p.value) : []
    const relative = spreadSource.length > 0 && level > 0 ? robustSpread(spreadSource) / level : config.defaultRelativeNoise
    // The baseline itself is uncertain when it rests on few points.
    scale = Math.max(relative * level, floor) * Math.sqrt(1 + 1 / reference.length)
  }
  const points = during.map((p) => {
    const change = p.value - center
    const score = signal === 'requests' ? Math.abs(change) / scale : change / scale
    return { at: p.at, observed: p.value, change, score }
  })
  return { signal, baseline: center, points, appeared: false }
}

/**
 * Relative noise from history: every history point against the median of the points
 * before it (the same comparison the incident gets), scaled so that the chosen tail
 * quantile of |move| maps to the matching normal quantile.
 */
function historyMoveScale(history: readonly RcaPoint[], baselinePoints: number, quantile: number): number {
  // Past a dozen points a longer baseline barely steadies the median; capping keeps this cheap.
  const m = Math.min(baselinePoints, 12)
  const moves: number[] = []
  for (let i = m; i < history.length; i++) {
    const base = median(history.slice(i - m, i).map((p) => p.value))
    if (base !== 0) moves.push(Math.abs(history[i]!.value - base) / Math.abs(base))
  }
  if (moves.length === 0) return 0
  return tailQuantile(moves, quantile) / normalQuantile(0.5 + quantile / 2)
}

/**
 * Error ratios with request counts: each incident point's failed requests against a
 * beta-binomial prediction. The failure rate's prior comes from history (empirical
 * Bayes: a node that never failed gets a tight prior near zero, a node with bursty
 * errors a loose one) and is updated by the pre-alert points. Without history the prior
 * is Jeffreys'. Without counts the ratio is treated as a level with an absolute floor.
 */
export function trackErrorSignal(
  ratios: readonly RcaPoint[],
  requests: readonly RcaPoint[],
  historyRatios: readonly RcaPoint[],
  historyRequests: readonly RcaPoint[],
  w: TrackWindow,
  config: DeviationConfig,
): SignalTrack {
  if (requests.length === 0) return trackRatioWithoutCounts(ratios, historyRatios, w, config)
  const countAt = new Map(requests.map((p) => [p.at, p.value]))
  const pre = counted(beforeAlert(ratios, w), countAt)
  const past = counted(historyRatios, new Map(historyRequests.map((p) => [p.at, p.value])))
  const during = counted(duringIncident(ratios, w), countAt)
  if (pre.length === 0 && past.length === 0) return { signal: 'errors', baseline: null, points: [], appeared: during.length > 0 }
  const prior = past.length >= config.minHistoryPoints ? empiricalPrior(past) : { alpha: 0.5, beta: 0.5 }
  const seen = pooled(pre)
  const alpha = prior.alpha + seen.failed
  const beta = prior.beta + seen.total - seen.failed
  const rate = alpha / (alpha + beta)
  const points = during.map((p) => {
    const failed = Math.round(p.failed)
    const expected = p.total * rate
    const excess = failed - expected
    return {
      at: p.at,
      observed: p.failed / p.total,
      change: p.failed / p.total - rate,
      score: betaBinomialScore(failed, Math.round(p.total), alpha, beta),
      excessErrors: excess,
      requests: p.total,
    }
  })
  return { signal: 'errors', baseline: rate, points, appeared: false }
}

interface CountedPoint {
  at: number
  failed: number
  total: number
}

function counted(ratios: readonly RcaPoint[], countAt: ReadonlyMap<number, number>): CountedPoint[] {
  const out: CountedPoint[] = []
  for (const p of ratios) {
    const n = countAt.get(p.at)
    if (n !== undefined && n >= 1) out.push({ at: p.at, failed: clampRatio(p.value) * n, total: n })
  }
  return out
}

function pooled(points: readonly CountedPoint[]): { failed: number; total: number } {
  return points.reduce((s, p) => ({ failed: s.failed + p.failed, total: s.total + p.total }), { failed: 0, total: 0 })
}

/**
 * Beta prior for the failure rate by the method of moments over history's points: the
 * mean rate, and a strength that shrinks as the rates vary beyond binomial noise. A
 * history as steady as binomial noise allows is worth at most its own request count.
 */
export function empiricalPrior(past: readonly CountedPoint[]): { alpha: number; beta: number } {
  const { failed, total } = pooled(past)
  const mean = (failed + 0.5) / (total + 1)
  let spread = 0
  for (const p of past) spread += p.total * (p.failed / p.total - mean) ** 2
  spread /= total
  const binomialPart = (mean * (1 - mean) * past.length) / total
  const extra = spread - binomialPart
  const strength = Math.min(total, Math.max(1, extra > 0 ? (mean * (1 - mean)) / extra - 1 : total))
  return { alpha: mean * strength, beta: (1 - mean) * strength }
}

/**
 * How surprising `k` failures out of `n` are under Beta-Binomial(n, alpha, beta), as a
 * normal score: the upper tail P(X >= k) mapped through the normal quantile. Small
 * counts get their exact tail, where a normal approximation would be far off.
 */
export function betaBinomialScore(k: number, n: number, alpha: number, beta: number): number {
  const mean = (n * alpha) / (alpha + beta)
  const variance = (n * alpha * beta * (alpha + beta + n)) / ((alpha + beta) ** 2 * (alpha + beta + 1))
  if (k <= mean || n > 1_000_000) return (k - mean) / Math.sqrt(Math.max(variance, 1e-12))
  // Sum the upper tail forward from k; terms shrink past the mode when beta >= 1.
  let term = Math.exp(logBetaBinomialPmf(k, n, alpha, beta))
  let tail = 0
  for (let j = k; j <= n; j++) {
    tail += term
    if (beta >= 1 && term < tail * 1e-15) break
    term *= ((n - j) * (j + alpha)) / ((j + 1) * (n - j - 1 + beta))
  }
  return -normalQuantile(Math.min(0.5, Math.max(tail, 1e-300)))
}

function logBetaBinomialPmf(k: number, n: number, alpha: number, beta: number): number {
  return logChoose(n, k) + logBeta(k + alpha, n - k + beta) - logBeta(alpha, beta)
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b)
}

/** Lanczos approximation (g = 7, 9 terms), accurate to ~1e-13 for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  const z = x - 1
  let sum = c[0]!
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

function trackRatioWithoutCounts(ratios: readonly RcaPoint[], history: readonly RcaPoint[], w: TrackWindow, config: DeviationConfig): SignalTrack {
  const pre = beforeAlert(ratios, w)
  const during = duringIncident(ratios, w)
  const reference = pre.length > 0 ? pre : history
  if (reference.length === 0) return { signal: 'errors', baseline: null, points: [], appeared: during.length > 0 }
  const center = clampRatio(median(reference.map((p) => p.value)))
  const noiseSource = history.length >= config.minHistoryPoints ? history : pre.length >= 3 ? pre : []
  const spread = noiseSource.length > 0 ? robustSpread(noiseSource.map((p) => clampRatio(p.value))) : 0
  const scale = Math.max(spread, config.minErrorRatioNoise) * Math.sqrt(1 + 1 / reference.length)
  const points = during.map((p) => {
    const observed = clampRatio(p.value)
    const change = observed - center
    return { at: p.at, observed, change, score: change / scale }
  })
  return { signal: 'errors', baseline: center, points, appeared: false }
}

function tailQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p <= 0 ? -Infinity : Infinity
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const lo = 0.02425
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  }
  if (p > 1 - lo) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  )
}

function clampRatio(v: number): number {
  return Math.min(1, Math.max(0, v))
}
