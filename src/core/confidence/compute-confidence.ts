/** One named input to the confidence score, stored and shown beside it. */
export interface ConfidenceFactor {
  name: DiagnosisFactorName
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
  /** How current the telemetry is (1 = every source current); omitted by callers without telemetry. */
  evidenceFreshness?: { value: number | null; explanation: string }
  /** Whether the telemetry sources point where the explanation does, 0..1; omitted by callers without telemetry. */
  evidenceConsistency?: { value: number | null; explanation: string }
}

/**
 * The factors of the diagnosis confidence in their stored order, with the weights of the
 * logistic combination (the prior; Platt scaling fitted on labelled outcomes in calibration.ts
 * maps its logit to a calibrated probability). A factor adds weight × (value − neutral): at its
 * neutral value, or when a caller omits it, it adds nothing, so the list can grow and rows
 * stored with fewer factors are scored as if the new ones were neutral.
 */
export const DIAGNOSIS_FACTORS = [
  { name: 'retrieval_strength', weight: 1.6, neutral: 0 },
  { name: 'history_agreement', weight: 1.4, neutral: 0 },
  { name: 'evidence_support', weight: 2.4, neutral: 0 },
  { name: 'evidence_coverage', weight: 0.6, neutral: 0 },
  { name: 'past_success', weight: 1.0, neutral: 0 },
  { name: 'retrieval_margin', weight: 0.5, neutral: 0.5 },
  { name: 'signal_agreement', weight: 0.5, neutral: 0.5 },
  // Current telemetry is the normal case: only staleness moves the score.
  { name: 'evidence_freshness', weight: 1.0, neutral: 1 },
  { name: 'evidence_consistency', weight: 1.0, neutral: 0.5 },
] as const

export type DiagnosisFactorName = (typeof DIAGNOSIS_FACTORS)[number]['name']

const BIAS = -3.6
/** Stored feature vectors shorter than this predate the fixed factor order and cannot be re-scored. */
export const DIAGNOSIS_FEATURES_RESCORABLE = 7

/** The prior's logit of a stored feature vector; factors it lacks count as neutral. */
export function diagnosisPriorLogit(features: number[]): number {
  return DIAGNOSIS_FACTORS.reduce((z, f, i) => z + f.weight * ((features[i] ?? f.neutral) - f.neutral), BIAS)
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x))

export function computeConfidence(inputs: ConfidenceInputs): { score: number; logit: number; factors: ConfidenceFactor[]; features: number[] } {
  const strength = inputs.topSimilarity === null ? 0 : clamp01((inputs.topSimilarity - 0.2) / 0.6)
  const agreement = inputs.historyAgreement ?? 0
  const coverage = inputs.sourcesAsked === 0 ? 0 : inputs.sourcesAnswered / inputs.sourcesAsked
  const { worked, failed } = inputs.pastOutcomes
  // Laplace smoothing: two past successes are encouraging, not proof.
  const success = (worked + 1) / (worked + failed + 2)
  const shown: Array<Omit<ConfidenceFactor, 'weight'>> = [
    {
      name: 'retrieval_strength',
      value: strength,
      explanation: inputs.topSimilarity === null ? 'no past incidents to compare with' : `best past match has similarity ${inputs.topSimilarity.toFixed(2)}`,
    },
    {
      name: 'history_agreement',
      value: agreement,
      explanation:
        inputs.historyAgreement === null
          ? 'no similar incidents point at a playbook'
          : `${(agreement * 100).toFixed(0)}% of similar incidents (by similarity) were handled with this playbook`,
    },
    {
      name: 'evidence_support',
      value: clamp01(inputs.evidenceSupport),
      explanation: `telemetry support for the hypothesis: ${(clamp01(inputs.evidenceSupport) * 100).toFixed(0)}%`,
    },
    { name: 'evidence_coverage', value: coverage, explanation: `${inputs.sourcesAnswered} of ${inputs.sourcesAsked} telemetry sources answered` },
    { name: 'past_success', value: success, explanation: `this fix worked ${worked} time(s) and failed ${failed} time(s) on similar incidents` },
  ]
  if (inputs.retrievalMargin !== undefined) {
    const margin = clamp01(inputs.retrievalMargin ?? 0)
    shown.push({
      name: 'retrieval_margin',
      value: margin,
      explanation: inputs.retrievalMargin === null ? 'no ranking to compare' : `the best match stands ${(margin * 100).toFixed(0)}% clear of the next`,
    })
  }
  if (inputs.signalAgreement !== undefined) {
    const agreement = clamp01(inputs.signalAgreement ?? 0)
    shown.push({
      name: 'signal_agreement',
      value: agreement,
      explanation:
        inputs.signalAgreement === null ? 'no ranking to compare' : `${(agreement * 100).toFixed(0)}% of the retrievers put the best match in their top 3`,
    })
  }
  // Unknown freshness or consistency (no telemetry, nothing implicated) is neutral: coverage already counts what is missing.
  for (const [name, input] of [
    ['evidence_freshness', inputs.evidenceFreshness],
    ['evidence_consistency', inputs.evidenceConsistency],
  ] as const) {
    if (input === undefined) continue
    const neutral = DIAGNOSIS_FACTORS.find((f) => f.name === name)!.neutral
    shown.push({
      name,
      value: input.value === null ? neutral : clamp01(input.value),
      explanation: input.value === null ? `${input.explanation} (counted as neutral)` : input.explanation,
    })
  }
  const shownValue = new Map(shown.map((f) => [f.name, f.value]))
  const features = DIAGNOSIS_FACTORS.map((f) => shownValue.get(f.name) ?? f.neutral)
  const weightOf = new Map<DiagnosisFactorName, number>(DIAGNOSIS_FACTORS.map((f) => [f.name, f.weight]))
  const factors = shown.map((f) => ({ ...f, weight: weightOf.get(f.name)! }))
  const z = diagnosisPriorLogit(features)
  return { score: 1 / (1 + Math.exp(-z)), logit: z, factors, features }
}
