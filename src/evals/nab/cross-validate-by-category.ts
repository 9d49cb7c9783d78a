import { scoreMetricSeries } from '../../core/analysis/anomaly/score-metric-series'
import { DEFAULT_DETECTOR_OPTIONS, type StreamingAnomalyDetectorOptions } from '../../core/analysis/anomaly/streaming-anomaly-detector'
import type { CostMatrix } from './nab-types'
import { normalizeNabScore } from './normalize-nab-score'
import { optimizeCorpusThreshold } from './optimize-corpus-threshold'
import { scoreSeriesAtThreshold } from './score-series-at-threshold'
import { sweepSeries, type SweptSeries } from './sweep-series'
import type { NabSeries } from './read-nab-corpus'

/** The configurations the defaults were picked from (best standard score over the whole corpus part). */
export const DETECTOR_GRID: Array<Partial<StreamingAnomalyDetectorOptions>> = [0.985, 0.99, 0.995].flatMap((tailQuantile) =>
  [25, 50].flatMap((suppressionPoints) =>
    [8, 16].flatMap((medianWindow) => [50, 150].map((minHistory) => ({ tailQuantile, suppressionPoints, medianWindow, minHistory }))),
  ),
)

export interface CategoryFold {
  category: string
  picked: Partial<StreamingAnomalyDetectorOptions>
  /** Raw NAB score on the held-out category, per profile, at the threshold optimised on the other categories. */
  ours: Record<string, number>
  numenta: Record<string, number>
}

export interface CrossValidation {
  folds: CategoryFold[]
  /** Held-out raw scores summed over all folds and normalised over the whole corpus (null = 0, perfect = 100). */
  normalized: Record<string, { ours: number; numenta: number }>
}

/**
 * Leave-one-category-out: for each category, picks the grid configuration with the best
 * standard score on the other categories, optimises each profile's threshold there too, and
 * scores the held-out category with both — an estimate of how the selection generalises.
 * Numenta gets the same treatment for its threshold.
 */
export function crossValidateByCategory(
  corpus: readonly NabSeries[],
  numentaScores: readonly number[][],
  profiles: Record<string, CostMatrix>,
): CrossValidation {
  const swept: SweptSeries[] = corpus.map((s) => sweepSeries(s.timestamps, s.windows))
  const scoresByConfig = DETECTOR_GRID.map((config) =>
    corpus.map((s) =>
      scoreMetricSeries(
        s.timestamps.map((timestamp, i) => ({ timestamp, value: s.values[i]! })),
        config,
      ).map((p) => p!.score),
    ),
  )
  const categoryOf = (s: NabSeries) => s.path.split('/')[0]!
  const categories = [...new Set(corpus.map(categoryOf))]
  const indices = (keep: (category: string) => boolean) => corpus.flatMap((s, i) => (keep(categoryOf(s)) ? [i] : []))
  const best = (scores: readonly number[][], rows: number[], cost: CostMatrix) =>
    optimizeCorpusThreshold(
      rows.map((i) => ({ swept: swept[i]!, anomalyScores: scores[i]! })),
      cost,
    )
  const standard = profiles.standard ?? Object.values(profiles)[0]!

  const folds = categories.map((category): CategoryFold => {
    const train = indices((c) => c !== category)
    const test = indices((c) => c === category)
    const trainScores = scoresByConfig.map((scores) => best(scores, train, standard).score)
    const pickedIndex = trainScores.indexOf(Math.max(...trainScores))
    const ours: Record<string, number> = {}
    const numenta: Record<string, number> = {}
    for (const [profile, cost] of Object.entries(profiles)) {
      const ourThreshold = best(scoresByConfig[pickedIndex]!, train, cost).threshold
      const numentaThreshold = best(numentaScores, train, cost).threshold
      ours[profile] = test.reduce((sum, i) => sum + scoreSeriesAtThreshold(swept[i]!, scoresByConfig[pickedIndex]![i]!, ourThreshold, cost).score, 0)
      numenta[profile] = test.reduce((sum, i) => sum + scoreSeriesAtThreshold(swept[i]!, numentaScores[i]!, numentaThreshold, cost).score, 0)
    }
    return { category, picked: { ...DETECTOR_GRID[pickedIndex]! }, ours, numenta }
  })

  const windows = swept.reduce((sum, s) => sum + s.windowScorable.filter(Boolean).length, 0)
  const normalized = Object.fromEntries(
    Object.entries(profiles).map(([profile, cost]) => {
      const nullRaw = -cost.fnWeight * windows
      const perfectRaw = cost.tpWeight * windows
      const total = (side: 'ours' | 'numenta') => folds.reduce((sum, f) => sum + f[side][profile]!, 0)
      return [profile, { ours: normalizeNabScore(total('ours'), nullRaw, perfectRaw), numenta: normalizeNabScore(total('numenta'), nullRaw, perfectRaw) }]
    }),
  )
  return { folds, normalized }
}

/** The grid entry that equals the shipped defaults, for the report. */
export function isDefaultConfig(config: Partial<StreamingAnomalyDetectorOptions>): boolean {
  return Object.entries(config).every(([k, v]) => DEFAULT_DETECTOR_OPTIONS[k as keyof StreamingAnomalyDetectorOptions] === v)
}
