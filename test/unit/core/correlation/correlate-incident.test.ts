import { describe, expect, it } from 'vitest'
import {
  correlateIncident,
  MAX_QUERY_CHARS,
  type CandidateQuery,
  type CandidateSearchResult,
  type IncidentSearchPort,
} from '../../../../src/core/correlation/correlate-incident'
import type { Embedder } from '../../../../src/core/correlation/embedder'
import { HashingEmbedder } from '../../../../src/core/correlation/hashing-embedder'

/** A search port over a fixed answer that records what it was asked. */
class RecordingSearch implements IncidentSearchPort {
  readonly queries: CandidateQuery[] = []
  constructor(private readonly answer: CandidateSearchResult = { candidates: [], keywords: [], errorSignature: null }) {}
  async searchCandidates(query: CandidateQuery): Promise<CandidateSearchResult> {
    this.queries.push(query)
    return this.answer
  }
}

class FailingEmbedder implements Embedder {
  readonly name = 'vertex:gemini-embedding-001@768'
  readonly dimensions = 768
  async embed(): Promise<number[][]> {
    throw new Error('Vertex AI gemini-embedding-001: timed out after 3000 ms')
  }
}

const base = { service: 'checkout-db', resourceType: null, policyName: null, before: new Date('2026-05-14T12:00:00Z'), limit: 5 }

describe('correlateIncident', () => {
  it('embeds the query and searches history before the incident, excluding it', async () => {
    const search = new RecordingSearch()
    const result = await correlateIncident(
      { ...base, text: 'checkout-db connection pool exhausted', excludeId: 'inc-1' },
      { embedder: new HashingEmbedder(), search },
    )
    expect(search.queries[0]).toMatchObject({
      text: 'checkout-db connection pool exhausted',
      embeddingModel: 'local-hashing-v2',
      service: 'checkout-db',
      before: base.before,
      excludeId: 'inc-1',
    })
    expect(search.queries[0]!.embedding).toHaveLength(768)
    expect(result).toMatchObject({ mode: 'hybrid', notes: [], matches: [] })
  })

  it('falls back to keywords and structured signals when the embedder fails, and says so', async () => {
    const search = new RecordingSearch()
    const result = await correlateIncident({ ...base, text: 'checkout-db connection pool exhausted' }, { embedder: new FailingEmbedder(), search })
    expect(search.queries[0]!.embedding).toBeNull()
    expect(result.mode).toBe('lexical_structured')
    expect(result.embedding).toBeNull()
    expect(result.notes).toEqual([
      'embeddings unavailable (vertex:gemini-embedding-001@768: Vertex AI gemini-embedding-001: timed out after 3000 ms); ranked by keywords and structured signals only',
    ])
  })

  it('caps a huge query and says how much of it was used', async () => {
    const search = new RecordingSearch()
    const huge = 'disk full on logging node '.repeat(10_000)
    const result = await correlateIncident({ ...base, text: huge }, { embedder: new HashingEmbedder(), search })
    expect(search.queries[0]!.text).toHaveLength(MAX_QUERY_CHARS)
    expect(result.notes[0]).toMatch(/^the query was 259,999 characters; only the first 8,000 were used$/)
  })

  it('does not search at all for an empty query with nothing structured', async () => {
    const search = new RecordingSearch()
    const result = await correlateIncident({ ...base, service: null, text: '   ' }, { embedder: new HashingEmbedder(), search })
    expect(search.queries).toEqual([])
    expect(result.matches).toEqual([])
    expect(result.notes).toEqual(['the query was empty: nothing to search for'])
  })

  it('reuses a stored embedding instead of embedding again', async () => {
    const search = new RecordingSearch()
    const stored = { vector: new Array(768).fill(0).map((_, i) => (i === 3 ? 1 : 0)), model: 'vertex:text-embedding-005@256' }
    await correlateIncident({ ...base, text: 'anything', embedding: stored }, { embedder: new FailingEmbedder(), search })
    expect(search.queries[0]).toMatchObject({ embedding: stored.vector, embeddingModel: 'vertex:text-embedding-005@256' })
  })
})
