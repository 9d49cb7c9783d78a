/**
 * A contextual view in the spirit of CAD OSE (M. Smirnov, the Contextual Anomaly Detector of NAB):
 * each value is quantised to one of `levels` levels of the remembered range, and a point's context
 * is its level with the levels of the `order` points before it. How rarely that context occurred in
 * the last `memory` points is the point's novelty (1 / (1 + occurrences)); the detector grades it
 * against its own history like a residual.
 */
export class ContextNoveltyView {
  private readonly counts: Int32Array
  private readonly keys: Int32Array
  private readonly levelsSeen: Int32Array
  private seen = 0

  constructor(
    private readonly memory = 4000,
    private readonly levels = 8,
    private readonly order = 2,
  ) {
    this.counts = new Int32Array(levels ** (order + 1))
    this.keys = new Int32Array(memory).fill(-1)
    this.levelsSeen = new Int32Array(order + 1)
  }

  /** Novelty of the context ending at `value` (NaN until `order` points came before); `min`/`max` bound the remembered values. */
  observe(value: number, min: number, max: number): number {
    const lo = Math.min(min, value)
    const width = Math.max(max, value) - lo
    const level = width > 0 ? Math.min(this.levels - 1, Math.floor((this.levels * (value - lo)) / width)) : 0
    this.levelsSeen.copyWithin(0, 1)
    this.levelsSeen[this.order] = level
    this.seen++
    if (this.seen <= this.order) return NaN
    let key = 0
    for (let i = 0; i <= this.order; i++) key = key * this.levels + this.levelsSeen[i]!
    const novelty = 1 / (1 + this.counts[key]!)
    const slot = this.seen % this.memory
    const evicted = this.keys[slot]!
    if (evicted >= 0) this.counts[evicted]!--
    this.keys[slot] = key
    this.counts[key]!++
    return novelty
  }
}
