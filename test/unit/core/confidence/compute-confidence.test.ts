import { describe, expect, it } from 'vitest'
import { computeConfidence, type ConfidenceInputs } from '../../../../src/core/confidence/compute-confidence'

const strong: ConfidenceInputs = {
  topSimilarity: 0.85,
  historyAgreement: 0.9,
  evidenceSupport: 1,
  sourcesAnswered: 4,
  sourcesAsked: 4,
  pastOutcomes: { worked: 3, failed: 0 },
}
const weak: ConfidenceInputs = {
  topSimilarity: 0.25,
  historyAgreement: null,
  evidenceSupport: 0,
  sourcesAnswered: 1,
  sourcesAsked: 4,
  pastOutcomes: { worked: 0, failed: 0 },
}

describe('computeConfidence', () => {
  it('is high when history, telemetry and past outcomes agree', () => {
    expect(computeConfidence(strong).score).toBeGreaterThan(0.8)
  })

  it('is low with a weak match and no telemetry support', () => {
    expect(computeConfidence(weak).score).toBeLessThan(0.2)
  })

  it('names and explains every factor it used', () => {
    const { factors } = computeConfidence(strong)
    expect(factors.map((f) => f.name)).toEqual(['retrieval_strength', 'history_agreement', 'evidence_support', 'evidence_coverage', 'past_success'])
    for (const f of factors) {
      expect(f.value).toBeGreaterThanOrEqual(0)
      expect(f.value).toBeLessThanOrEqual(1)
      expect(f.explanation.length).toBeGreaterThan(10)
    }
  })

  it('drops when the same fix failed before', () => {
    const failedBefore = computeConfidence({ ...strong, pastOutcomes: { worked: 0, failed: 3 } }).score
    expect(failedBefore).toBeLessThan(computeConfidence(strong).score)
  })

  it('drops when telemetry sources are missing', () => {
    expect(computeConfidence({ ...strong, sourcesAnswered: 1 }).score).toBeLessThan(computeConfidence(strong).score)
  })
})
