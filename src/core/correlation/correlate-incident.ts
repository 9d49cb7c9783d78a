import { errorMessage } from '../errors'
import { type Embedder, incidentEmbeddingText } from './embedder'
import { rankCandidates, type SearchCandidate } from './hybrid-ranking'
import type { RankedMatch } from './past-incident-match'

/** Longer query text is cut here (and the trail says so): enough for any alert, bounded cost. */
export const MAX_QUERY_CHARS = 8000
/** How many candidates each retriever contributes to the fusion: several times what is shown. */
export function candidatesPerRetriever(limit: number): number {
  return Math.max(30, 5 * limit)
}

/** What the search port is asked: one query, three retrievers, history before `before` only. */
export interface CandidateQuery {
  text: string
  embedding: number[] | null
  embeddingModel: string
  service: string | null
  resourceType: string | null
  policyName: string | null
  before: Date
  excludeId?: string
  perRetriever: number
}

export interface CandidateSearchResult {
  candidates: SearchCandidate[]
  /** The query's keywords the lexical retriever used, rarest first. */
  keywords: string[]
  /** How many of the query's words the history knows; more than `keywords` when the query was capped to its rarest. */
  keywordsKnown?: number
  errorSignature: string | null
}

/** Hybrid candidate retrieval over the incident history (Postgres: HNSW + full text + structured). */
export interface IncidentSearchPort {
  searchCandidates(query: CandidateQuery): Promise<CandidateSearchResult>
}

export interface CorrelationQuery {
  text: string
  service: string | null
  resourceType: string | null
  policyName: string | null
  /** Only incidents that started before this are searched: a query never sees its own future. */
  before: Date
  excludeId?: string
  /** A stored embedding to reuse instead of embedding `text` again. */
  embedding?: { vector: number[]; model: string } | null
  limit: number
}

/** Incidents shown as similar, in the analysis and on `/sre similar`. */
export const SIMILAR_INCIDENTS_SHOWN = 5

type QueriedIncident = Parameters<typeof incidentEmbeddingText>[0] &
  Pick<CorrelationQuery, 'service' | 'resourceType' | 'policyName'> & { id: string; startedAt: Date }

/** The search for incidents like `incident`: its text and signals, among those that started before it, itself left out. */
export function correlationQueryFor(incident: QueriedIncident, embedding: CorrelationQuery['embedding'] = null): CorrelationQuery {
  const { service, resourceType, policyName } = incident
  const text = incidentEmbeddingText(incident)
  return { text, service, resourceType, policyName, before: incident.startedAt, excludeId: incident.id, embedding, limit: SIMILAR_INCIDENTS_SHOWN }
}

/**
 * The incident's embedding as `correlateIncident` would make it (the same text, cut at the same length), to be stored
 * with the incident when it is opened and reused by its analysis; null when the embedder fails or there is no text
 * (the analysis then tries again itself and says how it went).
 */
export async function embedIncident(
  incident: Parameters<typeof incidentEmbeddingText>[0],
  embedder: Embedder,
): Promise<{ vector: number[]; model: string } | null> {
  const text = searchedText(incidentEmbeddingText(incident))
  if (!text) return null
  return embedText(embedder, text).then(
    (vector) => ({ vector, model: embedder.name }),
    () => null,
  )
}

/** The part of a query's text that is searched (and embedded): trimmed, cut at MAX_QUERY_CHARS. */
function searchedText(text: string): string {
  return text.trim().slice(0, MAX_QUERY_CHARS)
}

async function embedText(embedder: Embedder, text: string): Promise<number[]> {
  const [vector] = await embedder.embed([text])
  if (!vector || vector.length === 0) throw new Error('no vector returned')
  return vector
}

export interface CorrelationResult {
  matches: RankedMatch[]
  /** The query's embedding (null when the embedder failed), to store with the incident. */
  embedding: number[] | null
  embeddingModel: string
  /** hybrid: embeddings, keywords and structured signals; lexical_structured: the embedder was unavailable. */
  mode: 'hybrid' | 'lexical_structured'
  keywords: string[]
  errorSignature: string | null
  /** What the reader must know about how the search ran: caps, fallbacks. Empty when nothing unusual happened. */
  notes: string[]
}

/**
 * Finds the past incidents that resemble the query: embeds it (falling back to keywords
 * and structured signals when the embedder fails or times out), retrieves candidates,
 * fuses and re-ranks them, and says how it went.
 */
export async function correlateIncident(query: CorrelationQuery, ports: { embedder: Embedder; search: IncidentSearchPort }): Promise<CorrelationResult> {
  const notes: string[] = []
  const trimmed = query.text.trim()
  const text = searchedText(trimmed)
  if (trimmed.length > MAX_QUERY_CHARS)
    notes.push(`the query was ${trimmed.length.toLocaleString('en-US')} characters; only the first ${MAX_QUERY_CHARS.toLocaleString('en-US')} were used`)
  const structured = Boolean(query.service || query.policyName || query.resourceType)
  if (!text && !structured) {
    return {
      matches: [],
      embedding: null,
      embeddingModel: ports.embedder.name,
      mode: 'lexical_structured',
      keywords: [],
      errorSignature: null,
      notes: [...notes, 'the query was empty: nothing to search for'],
    }
  }

  let embedding: number[] | null = null
  let embeddingModel = ports.embedder.name
  if (query.embedding) {
    embedding = query.embedding.vector
    embeddingModel = query.embedding.model
  } else if (text) {
    try {
      embedding = await embedText(ports.embedder, text)
    } catch (err) {
      notes.push(`embeddings unavailable (${ports.embedder.name}: ${errorMessage(err)}); ranked by keywords and structured signals only`)
    }
  }

  const found = await ports.search.searchCandidates({
    text,
    embedding,
    embeddingModel,
    service: query.service,
    resourceType: query.resourceType,
    policyName: query.policyName,
    before: query.before,
    excludeId: query.excludeId,
    perRetriever: candidatesPerRetriever(query.limit),
  })
  if (found.keywordsKnown !== undefined && found.keywordsKnown > found.keywords.length) {
    notes.push(`the query has ${found.keywordsKnown} keywords known to the history; only the ${found.keywords.length} rarest were used`)
  }
  const embeddingWeight = embeddingModel === ports.embedder.name ? (ports.embedder.rankingWeight ?? 1) : 1
  const matches = rankCandidates(found.candidates, { at: query.before, limit: query.limit, embeddingWeight })
  return {
    matches,
    embedding,
    embeddingModel,
    mode: embedding ? 'hybrid' : 'lexical_structured',
    keywords: found.keywords,
    errorSignature: found.errorSignature,
    notes,
  }
}
