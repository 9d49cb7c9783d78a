/** One named input to the confidence score, stored and shown beside it. */
export interface ConfidenceFactor {
  name: 'retrieval_strength' | 'history_agreement' | 'evidence_support' | 'evidence_coverage' | 'past_success'
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
}

/**
 * Weights and bias of the logistic combination. Hand-set for now: the calibration
 * fitted on labelled history (isotonic / Platt) replaces them once feedback accrues.
 */
const WEIGHTS = { retrieval_strength: 1.6, history_agreement: 1.4, evidence_support: 2.4, evidence_coverage: 0.6, past_success: 1.0 } as const
const BIAS = -3.6

const clamp01 = (x: number) => Math.min(1, Math.max(0, x))

export function computeConfidence(inputs: ConfidenceInputs): { score: number; factors: ConfidenceFactor[] } {
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
  const z = BIAS + factors.reduce((s, f) => s + f.weight * f.value, 0)
  return { score: 1 / (1 + Math.exp(-z)), factors }
}
