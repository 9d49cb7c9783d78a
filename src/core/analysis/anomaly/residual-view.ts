import { SlidingSortedWindow } from './sliding-sorted-window'

export interface ResidualViewOptions {
  historyPoints: number
  minHistory: number
  sustainedPoints: number
  tailQuantile: number
  /** Judge the average rank of the last `sustainedPoints` residuals too (default on). */
  sustained?: boolean
  /** Past `tailQuantile`, odds from a fitted exponential tail; off = empirical odds only (default on). */
  fittedTail?: boolean
}

// Surprise = -log10(p) / 10: odds of 1 in 10^10 or rarer score 1 (the scale of Numenta's log likelihood).
const LOG10_ODDS_FOR_FULL_SURPRISE = 10

export function surpriseOf(probability: number): number {
  return Math.min(1, -Math.log10(probability) / LOG10_ODDS_FOR_FULL_SURPRISE)
}

/**
 * One way of measuring a point's distance from what was expected (a residual), judged against
 * its own history twice: as a single spike, and as the average rank of the last few residuals.
 */
export class ResidualView {
  private readonly history: SlidingSortedWindow
  private readonly averagedRanks: SlidingSortedWindow
  private readonly recentRanks: Float64Array
  private ranksSeen = 0

  constructor(private readonly options: ResidualViewOptions) {
    this.history = new SlidingSortedWindow(options.historyPoints)
    this.averagedRanks = new SlidingSortedWindow(options.historyPoints)
    this.recentRanks = new Float64Array(options.sustainedPoints)
  }

  /** Surprises (0..1) of a residual as a spike and as part of a sustained run, then remembers it. NaN (no prediction yet) is skipped. */
  observe(residual: number, minTailScale: number): { spike: number; sustained: number } {
    const result = { spike: 0, sustained: 0 }
    if (Number.isNaN(residual)) return result
    const { minHistory, sustainedPoints } = this.options
    const tailQuantile = this.options.fittedTail === false ? 1 : this.options.tailQuantile
    if (this.history.size >= minHistory) {
      result.spike = surpriseOf(this.history.exceedanceProbability(residual, tailQuantile, minTailScale))
      if (this.options.sustained === false) {
        this.history.push(residual)
        return result
      }
      // A bounded rank, so one huge spike cannot pass for a sustained change.
      const rank = 1 - this.history.countAtLeast(residual) / this.history.size
      this.recentRanks[this.ranksSeen % sustainedPoints] = rank
      this.ranksSeen++
      if (this.ranksSeen >= sustainedPoints) {
        let sum = 0
        for (let i = 0; i < sustainedPoints; i++) sum += this.recentRanks[i]!
        const average = sum / sustainedPoints
        if (this.averagedRanks.size >= minHistory) result.sustained = surpriseOf(this.averagedRanks.exceedanceProbability(average, tailQuantile))
        this.averagedRanks.push(average)
      }
    }
    this.history.push(residual)
    return result
  }
}
