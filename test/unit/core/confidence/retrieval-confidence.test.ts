import { describe, expect, it } from 'vitest'
import { uncalibrated } from '../../../../src/core/confidence/calibration'
import { priorLogit } from '../../../../src/core/confidence/calibration'
import { nameRetrievalFeatures, RETRIEVAL_PRIOR, retrievalConfidence, retrievalFeatures } from '../../../../src/core/confidence/retrieval-confidence'
import { rankCandidates, type SearchCandidate } from '../../../../src/core/correlation/hybrid-ranking'

const NOW = new Date('2026-05-14T12:00:00Z')
function candidate(id: string, cosine: number, bm25: number, coverage: number, daysAgo = 2): SearchCandidate {
  return {
    incident: {
      id,
      number: 1,
      title: id,
      service: 'checkout-db',
      resourceType: null,
      policyName: null,
      startedAt: new Date(NOW.getTime() - daysAgo * 86_400_000),
      resolvedAt: null,
      rootCause: null,
      resolution: null,
      resolutionOutcome: null,
      playbookId: null,
    },
    cosine,
    bm25,
    keywordCoverage: coverage,
    matchedTerms: [],
    sameService: true,
    sameResource: false,
    samePolicy: false,
    sameSignature: false,
    retrievedBy: { embedding: true, keywords: true, structured: true },
  }
}

describe('retrieval confidence', () => {
  it('is zero with nothing found', () => {
    expect(retrievalConfidence([], uncalibrated())).toEqual({ probability: 0, logit: null, features: null })
  })

  it('is higher for a clear, strong, recent best match than for a crowded, weak, old one', () => {
    const clear = rankCandidates([candidate('a', 0.92, 12, 0.9), candidate('b', 0.4, 2, 0.2), candidate('c', 0.35, 1, 0.1)], { at: NOW, limit: 5 })
    const crowded = rankCandidates([candidate('a', 0.42, 2.1, 0.3, 400), candidate('b', 0.41, 2, 0.3, 400), candidate('c', 0.4, 1.9, 0.3, 400)], {
      at: NOW,
      limit: 5,
    })
    expect(retrievalConfidence(clear, uncalibrated()).probability).toBeGreaterThan(0.7)
    expect(retrievalConfidence(crowded, uncalibrated()).probability).toBeLessThan(0.3)
    const features = retrievalFeatures(clear)!
    expect(features).toHaveLength(7)
    for (const f of features) expect(f).toBeGreaterThanOrEqual(0)
    for (const f of features) expect(f).toBeLessThanOrEqual(1)
  })

  it('lowers the confidence when BM25 ranks another match above the best one, which a clipped margin could not tell from a tie', () => {
    // a wins the fusion on its embedding; b has the higher keyword score.
    const tie = rankCandidates([candidate('a', 0.9, 5, 0.6), candidate('b', 0.5, 5, 0.6), candidate('c', 0.3, 1, 0.1)], { at: NOW, limit: 5 })
    const behind = rankCandidates([candidate('a', 0.9, 5, 0.6), candidate('b', 0.5, 10, 0.6), candidate('c', 0.3, 1, 0.1)], { at: NOW, limit: 5 })
    expect(tie[0]!.incident.id).toBe('a')
    expect(behind[0]!.incident.id).toBe('a')
    const [tieFeatures, behindFeatures] = [nameRetrievalFeatures(retrievalFeatures(tie)!), nameRetrievalFeatures(retrievalFeatures(behind)!)]
    expect([tieFeatures.keywordMargin, tieFeatures.keywordDeficit]).toEqual([0, 0])
    expect([behindFeatures.keywordMargin, behindFeatures.keywordDeficit]).toEqual([0, 0.5])
    expect(retrievalConfidence(behind, uncalibrated()).probability).toBeLessThan(retrievalConfidence(tie, uncalibrated()).probability)
  })

  it('names the features of a vector in the order the prior weighs them, reading a feature stored before it existed as 0', () => {
    expect(nameRetrievalFeatures([0.8, 0.4, 0.5, 1, 0.33, 0.9])).toEqual({
      topSimilarity: 0.8,
      keywordMargin: 0.4,
      embeddingMargin: 0.5,
      agreement: 1,
      structured: 0.33,
      recency: 0.9,
      keywordDeficit: 0,
    })
  })

  it('scores a row stored before the deficit existed (six features) as it was scored then', () => {
    const six = [0.8, 0.4, 0.5, 1, 0.33, 0.9]
    expect(priorLogit(RETRIEVAL_PRIOR, six)).toBeCloseTo(-3.5 + 2.5 * 0.8 + 2.0 * 0.4 + 1.0 * 0.5 + 1.0 + 0.8 * 0.33 + 1.0 * 0.9, 10)
  })
})
