/** Weights of one NAB application profile (`config/profiles.json` → CostMatrix). */
export interface CostMatrix {
  tpWeight: number
  fpWeight: number
  fnWeight: number
}

/** An anomaly window as inclusive epoch-millisecond limits. */
export interface AnomalyWindow {
  start: number
  end: number
}

/** One series of a corpus: its timestamps (epoch ms, ascending), labelled windows and detector scores. */
export interface ScoredSeries {
  name: string
  timestamps: readonly number[]
  windows: readonly AnomalyWindow[]
  anomalyScores: readonly number[]
}

/** NAB's probationary share of each series: nothing in it is scored. */
export const NAB_PROBATIONARY_PERCENT = 0.15
