import type { RankedMatch } from '../correlation/past-incident-match'
import { structuredWeight } from '../correlation/hybrid-ranking'
import { applyCalibration, priorLogit, type CalibrationModel, type LogisticPrior } from './calibration'

/** The signals that say whether the best match really is the same problem, each in [0, 1]. */
export interface NamedRetrievalFeatures {
  topSimilarity: number
  keywordMargin: number
  embeddingMargin: number
  agreement: number
  structured: number
  recency: number
  keywordDeficit: number
}

/** Their order in the stored vector and in the prior's weights. */
const FEATURE_ORDER: ReadonlyArray<keyof NamedRetrievalFeatures> = [
  'topSimilarity',
  'keywordMargin',
  'embeddingMargin',
  'agreement',
  'structured',
  'recency',
  'keywordDeficit',
]

/** A feature vector by name; one stored before a feature existed reads it as 0, as it was scored then. */
export function nameRetrievalFeatures(vector: readonly number[]): NamedRetrievalFeatures {
  const at = (name: keyof NamedRetrievalFeatures) => vector[FEATURE_ORDER.indexOf(name)] ?? 0
  return {
    topSimilarity: at('topSimilarity'),
    keywordMargin: at('keywordMargin'),
    embeddingMargin: at('embeddingMargin'),
    agreement: at('agreement'),
    structured: at('structured'),
    recency: at('recency'),
    keywordDeficit: at('keywordDeficit'),
  }
}

/**
 * Hand-set weights: the prior that Platt scaling (fitted on labelled history) corrects.
 * A strong match that stands clear of the next one in each retriever's own score,
 * on which the retrievers agree, and that is recent, is likely right. One that BM25 ranks below
 * another loses what a keyword margin of the same size would have gained (the mirror weight).
 * Features are only appended: rows stored before one existed read it as 0, as they were scored then.
 */
export const RETRIEVAL_PRIOR: LogisticPrior = { weights: [2.5, 2.0, 1.0, 1.0, 0.8, 1.0, -2.0], bias: -3.5 }
/** A match a month old counts half as recent as one from today. */
const RECENCY_HALF_LIFE_HOURS = 30 * 24

/** How far the best match's score stands above the best of the others, relative to it, 0..1. */
function margin(top: number | null, others: Array<number | null>): number {
  if (top === null || top <= 0) return 0
  const next = Math.max(0, ...others.filter((x): x is number => x !== null))
  return Math.max(0, Math.min(1, (top - next) / top))
}

/** Feature vector of a ranked list, null when nothing was found (confidence is then 0). */
export function retrievalFeatures(matches: RankedMatch[]): number[] | null {
  const [top, ...rest] = matches
  if (!top) return null
  const keywordMargin = margin(
    top.signals.keywordScore,
    rest.map((m) => m.signals.keywordScore),
  )
  // The margin is 0 both for a tie and when BM25 clearly prefers another match: the deficit tells them apart.
  const nextKeywordScore = Math.max(0, ...rest.map((m) => m.signals.keywordScore))
  const keywordDeficit = nextKeywordScore > top.signals.keywordScore ? (nextKeywordScore - top.signals.keywordScore) / nextKeywordScore : 0
  // Cosines crowd together (0.80 vs 0.76), so their relative margin is stretched fourfold.
  const embeddingMargin =
    top.signals.embedding === null
      ? 0
      : Math.min(
          1,
          4 *
            margin(
              top.signals.embedding,
              rest.map((m) => m.signals.embedding),
            ),
        )
  const ranks = [top.signals.ranks.embedding, top.signals.ranks.keywords]
  const used = top.signals.embedding === null ? 1 : 2
  const agreement = ranks.filter((r) => r !== null && r <= 3).length / used
  const structured = Math.min(1, structuredWeight(top.signals) / 3)
  const recency = 0.5 ** (top.signals.hoursBefore / RECENCY_HALF_LIFE_HOURS)
  const named: NamedRetrievalFeatures = {
    topSimilarity: top.similarity,
    keywordMargin,
    embeddingMargin,
    agreement: Math.min(1, agreement),
    structured,
    recency,
    keywordDeficit,
  }
  return FEATURE_ORDER.map((name) => named[name])
}

export interface RetrievalConfidence {
  /** Probability that the best match is the same problem (calibrated when labels allow). */
  probability: number
  logit: number | null
  features: number[] | null
}

export function retrievalConfidence(matches: RankedMatch[], calibration: CalibrationModel): RetrievalConfidence {
  const features = retrievalFeatures(matches)
  if (!features) return { probability: 0, logit: null, features: null }
  const logit = priorLogit(RETRIEVAL_PRIOR, features)
  return { probability: applyCalibration(calibration, logit), logit, features }
}
