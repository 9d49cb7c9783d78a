import { describe, expect, it } from 'vitest'
import { rankCandidates, type SearchCandidate } from '../../../../src/core/correlation/hybrid-ranking'
import type { PastIncident } from '../../../../src/core/correlation/past-incident-match'

const NOW = new Date('2026-05-14T12:00:00Z')
const DAY = 86_400_000

function candidate(id: string, overrides: Omit<Partial<SearchCandidate>, 'incident'> & { incident?: Partial<PastIncident> } = {}): SearchCandidate {
  const { incident, ...rest } = overrides
  return {
    incident: {
      id,
      number: Number(id.replace(/\D/g, '')) || 1,
      title: `incident ${id}`,
      service: null,
      resourceType: null,
      policyName: null,
      errorSignature: null,
      startedAt: new Date(NOW.getTime() - 30 * DAY),
      resolvedAt: null,
      rootCause: null,
      resolution: null,
      resolutionOutcome: null,
      playbookId: null,
      ...incident,
    },
    cosine: 0.5,
    bm25: 1,
    keywordCoverage: 0.5,
    matchedTerms: [],
    sameService: false,
    sameResource: false,
    samePolicy: false,
    sameSignature: false,
    retrievedBy: { embedding: true, keywords: true, structured: false },
    ...rest,
  }
}

describe('rankCandidates', () => {
  it('puts first what both retrievers rank high over what only one ranks first (reciprocal rank fusion)', () => {
    const ranked = rankCandidates(
      [
        candidate('a1', { cosine: 0.85, bm25: 2 }),
        candidate('b2', { cosine: 0.95, bm25: 0.5 }),
        candidate('c3', { cosine: 0.4, bm25: 5 }),
        candidate('d4', { cosine: 0.9, bm25: 4 }),
      ],
      { at: NOW, limit: 10 },
    )
    expect(ranked[0]!.incident.id).toBe('d4')
    expect(ranked[0]!.signals.ranks).toEqual({ embedding: 2, keywords: 2, structured: null, fields: null })
  })

  it('ranks a past fix that worked above an equally similar one that failed', () => {
    const same = { cosine: 0.8, bm25: 3, keywordCoverage: 0.7 }
    const ranked = rankCandidates(
      [
        candidate('f1', { ...same, incident: { resolutionOutcome: 'failed', resolution: 'restarted the pod' } }),
        candidate('w2', { ...same, incident: { resolutionOutcome: 'worked', resolution: 'raised the pool size' } }),
        candidate('u3', { ...same, incident: { resolutionOutcome: null } }),
      ],
      { at: NOW, limit: 10 },
    )
    expect(ranked.map((m) => m.incident.id)).toEqual(['w2', 'u3', 'f1'])
  })

  it('does not let a worked fix lift a much weaker match over a strong one', () => {
    const candidates = [
      candidate('strong1', { cosine: 0.95, bm25: 9 }),
      ...Array.from({ length: 8 }, (_, i) => candidate(`mid${i + 2}`, { cosine: 0.7 - i * 0.01, bm25: 5 - i * 0.1 })),
    ]
    candidates.push(candidate('weak20', { cosine: 0.2, bm25: 0.1, incident: { resolutionOutcome: 'worked' } }))
    const ranked = rankCandidates(candidates, { at: NOW, limit: 20 }).map((m) => m.incident.id)
    expect(ranked[0]).toBe('strong1')
    expect(ranked.indexOf('weak20')).toBe(ranked.length - 1)
  })

  it('ranks structured matches by what they share, a policy or an error signature before a service', () => {
    const ranked = rankCandidates(
      [
        candidate('s1', { cosine: null, bm25: 0, sameService: true, retrievedBy: { embedding: false, keywords: false, structured: true } }),
        candidate('p2', { cosine: null, bm25: 0, samePolicy: true, sameService: true, retrievedBy: { embedding: false, keywords: false, structured: true } }),
      ],
      { at: NOW, limit: 10 },
    )
    expect(ranked.map((m) => m.incident.id)).toEqual(['p2', 's1'])
    expect(ranked[0]!.matchedOn).toEqual(expect.arrayContaining(['same alert policy', 'same service']))
  })

  it('explains each match: per-signal similarity, matched keywords, shared fields and age', () => {
    const [match] = rankCandidates(
      [
        candidate('x1', {
          cosine: 0.82,
          keywordCoverage: 0.64,
          matchedTerms: ['pool', 'exhaust'],
          sameSignature: true,
          incident: { errorSignature: 'java.net.sockettimeoutexception', startedAt: new Date(NOW.getTime() - 3 * DAY) },
        }),
      ],
      { at: NOW, limit: 5 },
    )
    expect(match!.matchedOn).toEqual(['text 0.82', 'keywords 0.64 (pool, exhaust)', 'same error java.net.sockettimeoutexception', '3 days earlier'])
    expect(match!.similarity).toBeCloseTo((0.82 + 0.64) / 2, 6)
  })

  it('keeps to the limit and drops candidates no retriever actually ranked', () => {
    const ranked = rankCandidates(
      [candidate('a1'), candidate('b2'), candidate('n3', { cosine: null, bm25: 0, retrievedBy: { embedding: false, keywords: false, structured: true } })],
      { at: NOW, limit: 1 },
    )
    expect(ranked).toHaveLength(1)
    expect(
      rankCandidates([candidate('n3', { cosine: null, bm25: 0, retrievedBy: { embedding: false, keywords: false, structured: true } })], { at: NOW, limit: 5 }),
    ).toEqual([])
  })

  it('fuses BM25F at weight 1.5: a duplicate matching on title fields passes a BM25-only match ranked first by keywords', () => {
    const lexical = candidate('l1', { cosine: null, bm25: 4, retrievedBy: { embedding: false, keywords: true, structured: false } })
    const duplicate = candidate('d2', {
      cosine: null,
      bm25: 3,
      fieldScore: 6.5,
      titleTerms: ['namenode', '=blockmanager.reportbadblocks', '<num>'],
      retrievedBy: { embedding: false, keywords: true, structured: false, fields: true },
    })
    // Without the BM25F list, BM25 decides: 1/61 + recency beats 1/62 + recency.
    const plain = rankCandidates([lexical, { ...duplicate, fieldScore: 0, titleTerms: [] }], { at: NOW, limit: 5 })
    expect(plain.map((m) => m.incident.id)).toEqual(['l1', 'd2'])
    const ranked = rankCandidates([lexical, duplicate], { at: NOW, limit: 5 })
    expect(ranked.map((m) => m.incident.id)).toEqual(['d2', 'l1'])
    // 1/62 (BM25, 2nd) + 1.5/61 (BM25F, 1st) + 0.5/61 (recency tie) against 1/61 + 0.5/61.
    expect(ranked[0]!.score - ranked[1]!.score).toBeCloseTo(1 / 62 + 1.5 / 61 - 1 / 61, 12)
    expect(ranked[0]!.signals.ranks).toEqual({ embedding: null, keywords: 2, structured: null, fields: 1 })
    expect(ranked[0]!.matchedOn).toContain('title words (namenode, blockmanager.reportbadblocks)')
  })
})
