import { InvalidNabInputError } from './invalid-nab-input-error'
import type { CostMatrix } from './nab-types'
import type { SweptSeries } from './sweep-series'

export interface SeriesScore {
  score: number
  /** NAB's per-row `S(t)` column: a window's TP or FN value on its first row, each FP's cost on its row. */
  rowScores: Float64Array
  detectedWindows: number
  missedWindows: number
  falsePositiveRows: number
}

/** Scores one series with detections where `anomalyScore >= threshold`, as NAB does. */
export function scoreSeriesAtThreshold(swept: SweptSeries, anomalyScores: readonly number[], threshold: number, cost: CostMatrix): SeriesScore {
  const n = swept.windowOfRow.length
  if (anomalyScores.length !== n) throw new InvalidNabInputError(`${anomalyScores.length} anomaly scores for ${n} rows`)
  const rowScores = new Float64Array(n)
  const bestReward = swept.windowFirstRow.map(() => -Infinity)
  let falsePositiveRows = 0
  let fpScore = 0
  for (let i = swept.probationLength; i < n; i++) {
    const s = anomalyScores[i]!
    if (!Number.isFinite(s)) throw new InvalidNabInputError(`anomaly score at row ${i} is not a finite number`, { row: i })
    if (s < threshold) continue
    const w = swept.windowOfRow[i]!
    if (w >= 0) {
      if (swept.reward[i]! > bestReward[w]!) bestReward[w] = swept.reward[i]!
    } else {
      const cost_ = swept.reward[i]! * cost.fpWeight
      rowScores[i] = cost_
      fpScore += cost_
      falsePositiveRows++
    }
  }
  let windowScore = 0
  let detectedWindows = 0
  let missedWindows = 0
  for (let w = 0; w < bestReward.length; w++) {
    if (!swept.windowScorable[w]) continue
    const value = bestReward[w]! === -Infinity ? -cost.fnWeight : Math.max(-cost.fnWeight, bestReward[w]! * cost.tpWeight)
    if (bestReward[w]! === -Infinity) missedWindows++
    else detectedWindows++
    rowScores[swept.windowFirstRow[w]!] = value
    windowScore += value
  }
  return { score: windowScore + fpScore, rowScores, detectedWindows, missedWindows, falsePositiveRows }
}
