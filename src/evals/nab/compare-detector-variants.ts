import { scoreMetricSeries } from '../../core/analysis/anomaly/score-metric-series'
import type { DetectorRules, StreamingAnomalyDetectorOptions } from '../../core/analysis/anomaly/streaming-anomaly-detector'
import type { CostMatrix } from './nab-types'
import { normalizeNabScore } from './normalize-nab-score'
import { optimizeCorpusThreshold } from './optimize-corpus-threshold'
import { scoreSeriesAtThreshold } from './score-series-at-threshold'
import { sweepSeries, type SweptSeries } from './sweep-series'
import type { NabSeries } from './read-nab-corpus'

export interface DetectorVariant {
  name: string
  rules?: Partial<DetectorRules>
  options?: Partial<StreamingAnomalyDetectorOptions>
}

export interface VariantResult {
  name: string
  /** Normalised score with each profile's threshold optimised on the whole corpus (in-sample). */
  inSample: Record<string, number>
  /** Leave-one-category-out: each category scored at the threshold optimised on the others; raw scores summed, then normalised. */
  heldOut: Record<string, number>
  /** Raw held-out score per category and profile. */
  perCategory: Record<string, Record<string, number>>
  /** Microseconds per point, scoring only. */
  microsecondsPerPoint: number
}

/**
 * Each variant scored the same two ways: in sample, and leave-one-category-out with the detector
 * fixed and only the threshold chosen on the other categories. The gap between the two is how much
 * the threshold choice overfits; structural choices are judged by the held-out figure only.
 * `anomalyScores`, when given, scores a precomputed detector output (Numenta's) the same way.
 */
export function compareDetectorVariants(
  corpus: readonly NabSeries[],
  variants: ReadonlyArray<DetectorVariant & { anomalyScores?: number[][] }>,
  profiles: Record<string, CostMatrix>,
): VariantResult[] {
  const swept: SweptSeries[] = corpus.map((s) => sweepSeries(s.timestamps, s.windows))
  const categoryOf = (s: NabSeries) => s.path.split('/')[0]!
  const categories = [...new Set(corpus.map(categoryOf))]
  const windows = swept.reduce((sum, s) => sum + s.windowScorable.filter(Boolean).length, 0)
  const points = corpus.reduce((sum, s) => sum + s.values.length, 0)
  return variants.map((variant) => {
    const started = performance.now()
    const scores =
      variant.anomalyScores ??
      corpus.map((s) =>
        scoreMetricSeries(
          s.timestamps.map((timestamp, i) => ({ timestamp, value: s.values[i]! })),
          variant.options,
          variant.rules,
        ).map((p) => p!.score),
      )
    const microsecondsPerPoint = ((performance.now() - started) * 1000) / points
    const rows = (keep: (category: string) => boolean) => corpus.flatMap((s, i) => (keep(categoryOf(s)) ? [i] : []))
    const inSample: Record<string, number> = {}
    const heldOut: Record<string, number> = {}
    const perCategory: Record<string, Record<string, number>> = Object.fromEntries(categories.map((c) => [c, {}]))
    for (const [profile, cost] of Object.entries(profiles)) {
      const nullRaw = -cost.fnWeight * windows
      const perfectRaw = cost.tpWeight * windows
      const all = rows(() => true)
      inSample[profile] = normalizeNabScore(
        optimizeCorpusThreshold(
          all.map((i) => ({ swept: swept[i]!, anomalyScores: scores[i]! })),
          cost,
        ).score,
        nullRaw,
        perfectRaw,
      )
      let total = 0
      for (const category of categories) {
        const train = rows((c) => c !== category)
        const { threshold } = optimizeCorpusThreshold(
          train.map((i) => ({ swept: swept[i]!, anomalyScores: scores[i]! })),
          cost,
        )
        const raw = rows((c) => c === category).reduce((sum, i) => sum + scoreSeriesAtThreshold(swept[i]!, scores[i]!, threshold, cost).score, 0)
        perCategory[category]![profile] = raw
        total += raw
      }
      heldOut[profile] = normalizeNabScore(total, nullRaw, perfectRaw)
    }
    return { name: variant.name, inSample, heldOut, perCategory, microsecondsPerPoint }
  })
}

/** What `eval nab --ablate` measures: the shipped detector, each of its rules switched off, and the combinations tried. */
export const DETECTOR_VARIANTS: DetectorVariant[] = [
  { name: 'shipped detector' },
  { name: '- median view', rules: { medianView: false } },
  { name: '- seasonal view', rules: { seasonalView: false } },
  { name: '- sustained view', rules: { sustainedView: false } },
  { name: '- fitted tail', rules: { fittedTail: false } },
  { name: '- tail scale floor', rules: { tailScaleFloor: false } },
  { name: '- out-of-range rule', rules: { outOfRange: false } },
  { name: '- suppression', rules: { suppression: false } },
  { name: 'max instead of product', rules: { combine: 'max' } },
  { name: 'Fisher instead of product', rules: { combine: 'fisher' } },
  { name: '+ relative entropy', rules: { relativeEntropyView: true } },
  { name: '+ context novelty', rules: { contextView: true } },
  { name: '+ both (Fisher)', rules: { relativeEntropyView: true, contextView: true, combine: 'fisher' } },
  { name: '+ both (max)', rules: { relativeEntropyView: true, contextView: true, combine: 'max' } },
  { name: '+ graded range view', rules: { gradedRangeView: true } },
  { name: 'graded range for 5 % rule', rules: { outOfRange: false, gradedRangeView: true } },
  { name: 'graded range + rel. entropy', rules: { outOfRange: false, gradedRangeView: true, relativeEntropyView: true } },
]
