import { CodedError } from '../../core/errors'
import type { CostMatrix, ScoredSeries } from './nab-types'
import { scoreNabCorpus } from './score-nab-corpus'

export interface ReproductionCheck {
  profile: string
  threshold: number
  files: number
  filesWithin: number
  maxFileDifference: number
  maxRowDifference: number
}

/** Per-file NAB scores that must be reproduced within this much. */
export const REPRODUCTION_TOLERANCE = 0.01

/**
 * Scores a published detector output at its published thresholds and compares, file by file,
 * with the `S(t)_<profile>` columns NAB wrote beside it (their sum is NAB's per-file score).
 */
export function checkScorerReproduction(
  published: ReadonlyArray<ScoredSeries & { rowScores: Record<string, number[]> }>,
  profiles: Record<string, CostMatrix>,
  thresholds: Record<string, number>,
): ReproductionCheck[] {
  const results = scoreNabCorpus(published, profiles, { thresholds })
  return results.map((result) => {
    let filesWithin = 0
    let maxFileDifference = 0
    let maxRowDifference = 0
    result.perSeries.forEach((ours, i) => {
      const theirs = published[i]!.rowScores[result.profile]
      if (!theirs) throw new CodedError('nab_results_mismatch', `${published[i]!.name} has no S(t)_${result.profile} column`)
      const fileDifference = Math.abs(theirs.reduce((sum, v) => sum + v, 0) - ours.score)
      if (fileDifference <= REPRODUCTION_TOLERANCE) filesWithin++
      maxFileDifference = Math.max(maxFileDifference, fileDifference)
      theirs.forEach((v, row) => {
        maxRowDifference = Math.max(maxRowDifference, Math.abs(v - ours.rowScores[row]!))
      })
    })
    return { profile: result.profile, threshold: result.threshold, files: result.perSeries.length, filesWithin, maxFileDifference, maxRowDifference }
  })
}
