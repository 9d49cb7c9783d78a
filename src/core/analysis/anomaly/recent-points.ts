import { DAY_MS, HOUR_MS } from '../../durations'

// A same-time-of-day neighbour must lie within this distance of the exact lag, or the day is skipped.
const LAG_TOLERANCE_MS = HOUR_MS

/**
 * The recent (timestamp, value) points of one series in a ring buffer, answering the two
 * predictions the detector compares each new point with.
 */
export class RecentPoints {
  private readonly values: Float64Array
  private readonly times: Float64Array
  private readonly mask: number
  private count = 0
  /** Per day lag k, the first retained index whose time is after `now - k days` (only moves forward). */
  private readonly lagCursor: number[]
  private readonly scratch: Float64Array

  constructor(
    /** Ring size; rounded up to a power of two. Seasonal lags older than this many points are unavailable. */
    capacity: number,
    private readonly medianWindow: number,
    private readonly seasonalDays: number,
    private readonly seasonalJitter: number,
  ) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(capacity, medianWindow, 2)))
    this.values = new Float64Array(size)
    this.times = new Float64Array(size)
    this.mask = size - 1
    this.lagCursor = new Array<number>(seasonalDays + 1).fill(0)
    this.scratch = new Float64Array(medianWindow)
  }

  get size(): number {
    return this.count
  }

  /** Distance of `value` from the median of the last `medianWindow` points; NaN until there are that many. */
  distanceFromRecentMedian(value: number): number {
    const w = this.medianWindow
    if (this.count < w) return NaN
    for (let i = 0; i < w; i++) this.scratch[i] = this.values[(this.count - w + i) & this.mask]!
    this.scratch.sort()
    const median = (this.scratch[(w - 1) >> 1]! + this.scratch[w >> 1]!) / 2
    return Math.abs(value - median)
  }

  /**
   * Smallest distance between `value` and the points around the same time of day on each of
   * the previous `seasonalDays` days (± `seasonalJitter` points): large only when nothing like
   * it was seen at this time of day recently. NaN until one such day is available.
   */
  distanceFromSameTimeOnRecentDays(time: number, value: number): number {
    const oldestRetained = Math.max(0, this.count - this.values.length)
    let best = Infinity
    for (let k = 1; k <= this.seasonalDays; k++) {
      const target = time - k * DAY_MS
      let cursor = Math.max(this.lagCursor[k]!, oldestRetained)
      while (cursor < this.count && this.times[cursor & this.mask]! <= target) cursor++
      this.lagCursor[k] = cursor
      const atLag = cursor - 1
      if (atLag < oldestRetained || target - this.times[atLag & this.mask]! > LAG_TOLERANCE_MS) continue
      const from = Math.max(oldestRetained, atLag - this.seasonalJitter)
      const to = Math.min(this.count - 1, atLag + this.seasonalJitter)
      for (let i = from; i <= to; i++) best = Math.min(best, Math.abs(value - this.values[i & this.mask]!))
    }
    return best === Infinity ? NaN : best
  }

  push(time: number, value: number): void {
    this.values[this.count & this.mask] = value
    this.times[this.count & this.mask] = time
    this.count++
  }
}
