import { InvalidNabInputError } from './invalid-nab-input-error'
import type { CostMatrix } from './nab-types'
import type { SweptSeries } from './sweep-series'

export interface SweptScoredSeries {
  swept: SweptSeries
  anomalyScores: readonly number[]
}

export interface ThresholdChoice {
  threshold: number
  /** The corpus's raw NAB score (sum over series) at that threshold. */
  score: number
}

/**
 * NAB's threshold optimisation: one threshold for the whole corpus, the one with the best
 * summed score, found by sweeping every distinct anomaly score from the highest down.
 * Ties go to the higher threshold (NAB sorts a descending-threshold list stably).
 */
export function optimizeCorpusThreshold(corpus: readonly SweptScoredSeries[], cost: CostMatrix): ThresholdChoice {
  let rowCount = 0
  let windowCount = 0
  for (const { swept } of corpus) {
    rowCount += swept.windowOfRow.length - swept.probationLength
    windowCount += swept.windowFirstRow.length
  }
  const anomaly = new Float64Array(rowCount)
  const value = new Float64Array(rowCount)
  const globalWindow = new Int32Array(rowCount)
  const windowBest = new Float64Array(windowCount)
  let total = 0
  let r = 0
  let windowBase = 0
  for (const { swept, anomalyScores } of corpus) {
    if (anomalyScores.length !== swept.windowOfRow.length)
      throw new InvalidNabInputError(`${anomalyScores.length} anomaly scores for ${swept.windowOfRow.length} rows`)
    for (let w = 0; w < swept.windowFirstRow.length; w++) {
      windowBest[windowBase + w] = swept.windowScorable[w] ? -cost.fnWeight : 0
      if (swept.windowScorable[w]) total -= cost.fnWeight
    }
    for (let i = swept.probationLength; i < swept.windowOfRow.length; i++, r++) {
      const s = anomalyScores[i]!
      if (!Number.isFinite(s)) throw new InvalidNabInputError(`anomaly score at row ${i} is not a finite number`, { row: i })
      anomaly[r] = s
      const w = swept.windowOfRow[i]!
      globalWindow[r] = w >= 0 ? windowBase + w : -1
      value[r] = w >= 0 ? swept.reward[i]! * cost.tpWeight : swept.reward[i]! * cost.fpWeight
    }
    windowBase += swept.windowFirstRow.length
  }

  const order = Array.from({ length: rowCount }, (_, i) => i).sort((a, b) => anomaly[b]! - anomaly[a]!)
  // Above every score nothing is detected: that is NAB's first sweep entry (threshold 1.1).
  let best: ThresholdChoice = { threshold: 1.1, score: total }
  let k = 0
  while (k < order.length) {
    const threshold = anomaly[order[k]!]!
    while (k < order.length && anomaly[order[k]!] === threshold) {
      const row = order[k]!
      const w = globalWindow[row]!
      if (w < 0) total += value[row]!
      else if (value[row]! > windowBest[w]!) {
        total += value[row]! - windowBest[w]!
        windowBest[w] = value[row]!
      }
      k++
    }
    if (total > best.score) best = { threshold, score: total }
  }
  return best
}
