// chi-square upper 1 % point with bins - 1 = 4 degrees of freedom (Wang et al.; NAB's relativeEntropy detector).
const NEW_HYPOTHESIS_STATISTIC = 13.277
const PSEUDO_COUNT = 0.5

/**
 * The relative-entropy view (C. Wang et al., "Statistical techniques for online anomaly detection
 * in data centers", IM 2011; NAB's `relativeEntropy` detector): the distribution of the last `window`
 * values over `bins` equal bins of the remembered range is compared with every distribution seen
 * before (the hypotheses); the statistic is 2·window·KL to the closest one. A distribution no
 * hypothesis explains (statistic above the chi-square 1 % point) becomes a new hypothesis.
 * NAB's version reads the file's global range and outputs 0/1; this one uses the range seen so far
 * and returns the statistic, which the detector grades against its own history like a residual.
 */
export class RelativeEntropyView {
  private readonly recent: Float64Array
  private readonly hypotheses: Float64Array[] = []
  private readonly lastUsed: number[] = []
  private readonly counts: Float64Array
  private seen = 0

  constructor(
    private readonly window = 52,
    private readonly bins = 5,
    private readonly maxHypotheses = 64,
  ) {
    this.recent = new Float64Array(window)
    this.counts = new Float64Array(bins)
  }

  /** The statistic for the window ending at `value` (NaN until a window is full); `min`/`max` bound the remembered values. */
  observe(value: number, min: number, max: number): number {
    this.recent[this.seen % this.window] = value
    this.seen++
    if (this.seen < this.window) return NaN
    const lo = Math.min(min, value)
    const width = Math.max(max, value) - lo
    this.counts.fill(0)
    for (let i = 0; i < this.window; i++) {
      const bin = width > 0 ? Math.min(this.bins - 1, Math.floor((this.bins * (this.recent[i]! - lo)) / width)) : 0
      this.counts[Math.max(0, bin)]! += 1
    }
    let best = Infinity
    let bestIndex = -1
    for (let h = 0; h < this.hypotheses.length; h++) {
      const q = this.hypotheses[h]!
      let kl = 0
      for (let b = 0; b < this.bins; b++) {
        const p = this.counts[b]! / this.window
        if (p > 0) kl += p * Math.log(p / q[b]!)
      }
      const statistic = 2 * this.window * kl
      if (statistic < best) {
        best = statistic
        bestIndex = h
      }
    }
    if (bestIndex >= 0 && best <= NEW_HYPOTHESIS_STATISTIC) {
      this.lastUsed[bestIndex] = this.seen
      return best
    }
    const smoothed = new Float64Array(this.bins)
    for (let b = 0; b < this.bins; b++) smoothed[b] = (this.counts[b]! + PSEUDO_COUNT) / (this.window + PSEUDO_COUNT * this.bins)
    if (this.hypotheses.length >= this.maxHypotheses) {
      const stalest = this.lastUsed.indexOf(Math.min(...this.lastUsed))
      this.hypotheses.splice(stalest, 1)
      this.lastUsed.splice(stalest, 1)
    }
    this.hypotheses.push(smoothed)
    this.lastUsed.push(this.seen)
    return Number.isFinite(best) ? best : 2 * this.window * Math.log(this.bins)
  }
}
