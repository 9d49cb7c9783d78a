export type ResolutionOutcome = 'worked' | 'partly' | 'failed' | 'unknown'

/** A past incident as correlation sees it. */
export interface PastIncident {
  id: string
  number: number
  title: string
  service: string | null
  resourceType: string | null
  policyName: string | null
  errorSignature?: string | null
  startedAt: Date
  resolvedAt: Date | null
  rootCause: string | null
  resolution: string | null
  /** The outcome as known at the time of the query: a fix recorded later is not known yet. */
  resolutionOutcome: ResolutionOutcome | null
  playbookId: string | null
}

/** How a past incident resembles the query, one signal at a time. */
export interface MatchSignals {
  /** Cosine similarity of the two embeddings (same model); null when embeddings were not used. */
  embedding: number | null
  /** Share of the query's keyword weight (IDF) found in the incident, 0..1. */
  keywords: number
  /** Its BM25 score for the query (unbounded; compared between matches of one query only). */
  keywordScore: number
  /** The query's (stemmed) keywords the incident contains, rarest first. */
  matchedTerms: string[]
  /** Its BM25F score for the query (title, description and resolution fields; 0 when that retriever did not score it). */
  fieldScore?: number
  /** The query's terms in the incident's title (BM25F's tokens), rarest first. */
  titleTerms?: string[]
  sameService: boolean
  sameResource: boolean
  samePolicy: boolean
  sameSignature: boolean
  /** How long before the query the incident started. */
  hoursBefore: number
  /** Rank within each retriever (1 = best), null when that retriever did not return it. */
  ranks: { embedding: number | null; keywords: number | null; structured: number | null; fields?: number | null }
}

/** A past incident shown beside the current one: what every view of a match needs. */
export interface PastIncidentMatch {
  incident: PastIncident
  /** Text similarity shown to people: the mean of the embedding and keyword similarities available, 0..1. */
  similarity: number
  /** Why it matched, in words, for the line beside each match. */
  matchedOn: string[]
  score?: number
  signals?: MatchSignals
}

/** A match as hybrid ranking produces it: with its fused score and every signal. */
export interface RankedMatch extends PastIncidentMatch {
  /** The fused ranking score (reciprocal rank fusion plus re-ranking adjustments). */
  score: number
  signals: MatchSignals
}
