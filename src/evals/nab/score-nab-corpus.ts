import type { CostMatrix, ScoredSeries } from './nab-types'
import { normalizeNabScore } from './normalize-nab-score'
import { optimizeCorpusThreshold } from './optimize-corpus-threshold'
import { scoreSeriesAtThreshold, type SeriesScore } from './score-series-at-threshold'
import { sweepSeries, type SweptSeries } from './sweep-series'

export interface ProfileResult {
  profile: string
  threshold: number
  raw: number
  nullRaw: number
  perfectRaw: number
  /** 0 = the null detector, 100 = every window caught at its left edge with no false positive. */
  normalized: number
  detectedWindows: number
  missedWindows: number
  falsePositiveRows: number
  perSeries: Array<{ name: string } & SeriesScore>
}

/** The NAB null detector: the same score everywhere, so its best threshold detects nothing. */
const NULL_DETECTOR_SCORE = 0.5

/**
 * Scores a detector over a corpus the NAB way, for each profile: the corpus-wide optimal
 * threshold, the summed raw score, and the score normalised between the null and a perfect detector.
 */
export function scoreNabCorpus(
  corpus: readonly ScoredSeries[],
  profiles: Record<string, CostMatrix>,
  options: { thresholds?: Record<string, number> } = {},
): ProfileResult[] {
  const swept: SweptSeries[] = corpus.map((s) => sweepSeries(s.timestamps, s.windows))
  const scorableWindows = swept.reduce((sum, s) => sum + s.windowScorable.filter(Boolean).length, 0)
  return Object.entries(profiles).map(([profile, cost]) => {
    const threshold =
      options.thresholds?.[profile] ??
      optimizeCorpusThreshold(
        corpus.map((s, i) => ({ swept: swept[i]!, anomalyScores: s.anomalyScores })),
        cost,
      ).threshold
    const nullRaw = optimizeCorpusThreshold(
      swept.map((sw) => ({ swept: sw, anomalyScores: new Array<number>(sw.windowOfRow.length).fill(NULL_DETECTOR_SCORE) })),
      cost,
    ).score
    const perfectRaw = scorableWindows * cost.tpWeight
    const perSeries = corpus.map((s, i) => ({ name: s.name, ...scoreSeriesAtThreshold(swept[i]!, s.anomalyScores, threshold, cost) }))
    const raw = perSeries.reduce((sum, s) => sum + s.score, 0)
    return {
      profile,
      threshold,
      raw,
      nullRaw,
      perfectRaw,
      normalized: normalizeNabScore(raw, nullRaw, perfectRaw),
      detectedWindows: perSeries.reduce((sum, s) => sum + s.detectedWindows, 0),
      missedWindows: perSeries.reduce((sum, s) => sum + s.missedWindows, 0),
      falsePositiveRows: perSeries.reduce((sum, s) => sum + s.falsePositiveRows, 0),
      perSeries,
    }
  })
}
