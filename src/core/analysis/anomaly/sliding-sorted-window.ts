/**
 * The last `capacity` numbers, kept sorted: rank and tail queries in O(log n),
 * an insert or eviction moves at most `capacity` doubles (one memmove).
 */
export class SlidingSortedWindow {
  private readonly sorted: Float64Array
  private readonly arrival: Float64Array
  private count = 0
  private oldest = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer')
    this.sorted = new Float64Array(capacity)
    this.arrival = new Float64Array(capacity)
  }

  get size(): number {
    return this.count
  }

  get min(): number {
    return this.count ? this.sorted[0]! : NaN
  }

  get max(): number {
    return this.count ? this.sorted[this.count - 1]! : NaN
  }

  push(value: number): void {
    if (this.count === this.capacity) {
      const evicted = this.arrival[this.oldest]!
      const at = this.firstIndexNotBelow(evicted)
      this.sorted.copyWithin(at, at + 1, this.count)
      this.count--
    }
    this.arrival[this.oldest] = value
    this.oldest = (this.oldest + 1) % this.capacity
    const at = this.firstIndexNotBelow(value)
    this.sorted.copyWithin(at + 1, at, this.count)
    this.sorted[at] = value
    this.count++
  }

  countAtLeast(value: number): number {
    return this.count - this.firstIndexNotBelow(value)
  }

  /**
   * P(X ≥ value) under the window's distribution: empirical (with one pseudo-count) up to
   * the `quantile` level, and past it an exponential tail fitted to the excesses over that
   * level (peaks over threshold), so values beyond anything seen still get graded odds.
   * The fitted scale is at least `minTailScale`; with a zero scale (all top values equal) a
   * larger `value` gets probability 0.
   */
  exceedanceProbability(value: number, quantile: number, minTailScale = 0): number {
    const n = this.count
    if (n === 0) return 1
    if (quantile >= 1) return (this.countAtLeast(value) + 1) / (n + 1)
    const tailSize = Math.min(n, Math.max(5, Math.floor((1 - quantile) * n)))
    const start = n - tailSize
    const level = this.sorted[start]!
    if (value <= level) return (this.countAtLeast(value) + 1) / (n + 1)
    let excess = 0
    for (let i = start; i < n; i++) excess += this.sorted[i]! - level
    const meanExcess = Math.max(excess / tailSize, minTailScale)
    if (meanExcess <= 0) return 0
    return (tailSize / (n + 1)) * Math.exp(-(value - level) / meanExcess)
  }

  private firstIndexNotBelow(value: number): number {
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.sorted[mid]! < value) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
