/** One named input to the confidence score, stored and shown beside it. */
export interface ConfidenceFactor {
  name: 'retrieval_strength' | 'history_agreement' | 'evidence_support' | 'evidence_coverage' | 'past_success' | 'retrieval_margin' | 'signal_agreement'
  value: number
  weight: number
  explanation: string
}

export interface ConfidenceInputs {
  /** Cosine similarity of the best past match, or null when history is empty. */
  topSimilarity: number | null
  /** Similarity-weighted share of the top matches that point at the chosen playbook. */
  historyAgreement: number | null
  /** How strongly telemetry supports the chosen hypothesis, 0..1. */
  evidenceSupport: number
  sourcesAnswered: number
  sourcesAsked: number
  /** Past runs of the chosen playbook on similar incidents. */
  pastOutcomes: { worked: number; failed: number }
  /** How far the best match stands ahead of the next one, 0..1; omitted by callers without a ranking. */
  retrievalMargin?: number | null
  /** Whether the retrievers (embeddings, keywords, structured) agree on the best match, 0..1. */
  signalAgreement?: number | null
}

/**
 * Weights and bias of the logistic combination: the prior. Platt scaling fitted on
 * labelled outcomes (see calibration.ts) maps its logit to a calibrated probability.
 */
const WEIGHTS = { retrieval_strength: 1.6, history_agreement: 1.4, evidence_support: 2.4, evidence_coverage: 0.6, past_success: 1.0, retrieval_margin: 0.5, signal_agreement: 0.5 } as const
const BIAS = -3.6
/** The two ranking factors are centred so that a caller that omits them gets the same score. */
const CENTRE = 0.5

const clamp01 = (x: number) => Math.min(1, Math.max(0, x))

export function computeConfidence(inputs: ConfidenceInputs): { score: number; logit: number; factors: ConfidenceFactor[] } {
  const strength = inputs.topSimilarity === null ? 0 : clamp01((inputs.topSimilarity - 0.2) / 0.6)
  const agreement = inputs.historyAgreement ?? 0
  const coverage = inputs.sourcesAsked === 0 ? 0 : inputs.sourcesAnswered / inputs.sourcesAsked
  const { worked, failed } = inputs.pastOutcomes
  // Laplace smoothing: two past successes are encouraging, not proof.
  const success = (worked + 1) / (worked + failed + 2)
  const factors: ConfidenceFactor[] = [
    { name: 'retrieval_strength', value: strength, weight: WEIGHTS.retrieval_strength, explanation: inputs.topSimilarity === null ? 'no past incidents to compare with' : `best past match has similarity ${inputs.topSimilarity.toFixed(2)}` },
    { name: 'history_agreement', value: agreement, weight: WEIGHTS.history_agreement, explanation: inputs.historyAgreement === null ? 'no similar incidents point at a playbook' : `${(agreement * 100).toFixed(0)}% of similar incidents (by similarity) were handled with this playbook` },
    { name: 'evidence_support', value: clamp01(inputs.evidenceSupport), weight: WEIGHTS.evidence_support, explanation: `telemetry support for the hypothesis: ${(clamp01(inputs.evidenceSupport) * 100).toFixed(0)}%` },
    { name: 'evidence_coverage', value: coverage, weight: WEIGHTS.evidence_coverage, explanation: `${inputs.sourcesAnswered} of ${inputs.sourcesAsked} telemetry sources answered` },
    { name: 'past_success', value: success, weight: WEIGHTS.past_success, explanation: `this fix worked ${worked} time(s) and failed ${failed} time(s) on similar incidents` },
  ]
  if (inputs.retrievalMargin !== undefined) {
    const margin = clamp01(inputs.retrievalMargin ?? 0)
    factors.push({ name: 'retrieval_margin', value: margin, weight: WEIGHTS.retrieval_margin, explanation: inputs.retrievalMargin === null ? 'no ranking to compare' : `the best match stands ${(margin * 100).toFixed(0)}% clear of the next` })
  }
  if (inputs.signalAgreement !== undefined) {
    const agreement = clamp01(inputs.signalAgreement ?? 0)
    factors.push({ name: 'signal_agreement', value: agreement, weight: WEIGHTS.signal_agreement, explanation: inputs.signalAgreement === null ? 'no ranking to compare' : `${(agreement * 100).toFixed(0)}% of the retrievers put the best match in their top 3` })
  }
  const z = BIAS + factors.reduce((s, f) => s + f.weight * (f.name === 'retrieval_margin' || f.name === 'signal_agreement' ? f.value - CENTRE : f.value), 0)
  return { score: 1 / (1 + Math.exp(-z)), logit: z, factors }
}
