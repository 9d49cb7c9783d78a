import { HOUR_MS } from '../durations'
import { BM25F_RRF_WEIGHT } from './bm25f'
import type { MatchSignals, PastIncident, RankedMatch } from './past-incident-match'

/** One past incident returned by any of the retrievers, with every signal measured against the query. */
export interface SearchCandidate {
  incident: PastIncident
  /** Cosine similarity, null when the query had no embedding or the incident none of the same model. */
  cosine: number | null
  /** BM25 score of the incident for the query's keywords (0 when none matched). */
  bm25: number
  keywordCoverage: number
  matchedTerms: string[]
  /** BM25F score (field-weighted, identifiers split; see bm25f.ts) when its retriever scored the incident; 0 or absent otherwise. */
  fieldScore?: number
  /** The query's terms found in the incident's title, rarest first (BM25F's tokens). */
  titleTerms?: string[]
  sameService: boolean
  sameResource: boolean
  samePolicy: boolean
  sameSignature: boolean
  /** Which retrievers returned it; only those rank it. */
  retrievedBy: { embedding: boolean; keywords: boolean; structured: boolean; fields?: boolean }
}

export interface RankingOptions {
  /** The query's time: time proximity is measured from it. */
  at: Date
  limit: number
  /** Weight of the embedding retriever's list (the embedder's rankingWeight; 1 when unset). */
  embeddingWeight?: number
}

/** Reciprocal rank fusion constant: rank 1 is worth 1/61, rank 10 1/70 (Cormack et al., 2009). */
export const RRF_K = 60
/** Weights of the lists in the fusion (the embedding's is the embedder's rankingWeight; BM25F's is BM25F_RRF_WEIGHT). */
const ARM_WEIGHT = { keywords: 1, structured: 0.5 } as const
/** One unit: what a first place in one full-weight retriever contributes. */
const UNIT = 1 / (RRF_K + 1)
/** A fix that worked lifts a match by half a first place; one that failed lowers it as much. */
// A fix that partly worked is still worth showing, a little less than one that worked.
const OUTCOME_ADJUSTMENT = { worked: 0.02 * UNIT, partly: 0.01 * UNIT, failed: -0.2 * UNIT, unknown: 0 } as const
/** Time proximity ranks the pooled candidates as one more, half-weight list. */
const RECENCY_WEIGHT = 0.5

/** Structured agreement: an alert policy or error signature says more than a service name. */
export function structuredWeight(c: Pick<SearchCandidate, 'samePolicy' | 'sameSignature' | 'sameService' | 'sameResource'>): number {
  return (c.samePolicy ? 2 : 0) + (c.sameSignature ? 2 : 0) + (c.sameService ? 1 : 0) + (c.sameResource ? 0.5 : 0)
}

/** Ranks from 1; candidates the comparison cannot tell apart share a rank (1, 2, 2, 4). */
function ranksBy(
  candidates: SearchCandidate[],
  member: (c: SearchCandidate) => boolean,
  better: (a: SearchCandidate, b: SearchCandidate) => number,
): Map<string, number> {
  const sorted = candidates.filter(member).sort(better)
  const ranks = new Map<string, number>()
  sorted.forEach((c, i) => {
    ranks.set(c.incident.id, i > 0 && better(sorted[i - 1]!, c) === 0 ? ranks.get(sorted[i - 1]!.incident.id)! : i + 1)
  })
  return ranks
}

/**
 * Fuses the retrievers' lists by reciprocal rank fusion, then re-ranks: a past fix
 * that worked lifts a match, one that failed lowers it, and recent incidents get a
 * small lift. Each match carries its per-signal similarities and the words for why.
 */
export function rankCandidates(candidates: SearchCandidate[], options: RankingOptions): RankedMatch[] {
  const at = options.at.getTime()
  const recency = (c: SearchCandidate) => at - c.incident.startedAt.getTime()
  const embeddingRanks = ranksBy(
    candidates,
    (c) => c.retrievedBy.embedding && c.cosine !== null,
    (a, b) => b.cosine! - a.cosine! || recency(a) - recency(b),
  )
  const keywordRanks = ranksBy(
    candidates,
    (c) => c.retrievedBy.keywords && c.bm25 > 0,
    (a, b) => b.bm25 - a.bm25 || recency(a) - recency(b),
  )
  const byFields = (c: SearchCandidate) => Boolean(c.retrievedBy.fields) && (c.fieldScore ?? 0) > 0
  const fieldRanks = ranksBy(candidates, byFields, (a, b) => b.fieldScore! - a.fieldScore! || recency(a) - recency(b))
  const pooled = (c: SearchCandidate) =>
    (c.retrievedBy.embedding && c.cosine !== null) ||
    (c.retrievedBy.keywords && c.bm25 > 0) ||
    byFields(c) ||
    (c.retrievedBy.structured && structuredWeight(c) > 0)
  const recencyRanks = ranksBy(candidates, pooled, (a, b) => recency(a) - recency(b))
  const structuredRanks = ranksBy(
    candidates,
    (c) => c.retrievedBy.structured && structuredWeight(c) > 0,
    (a, b) => structuredWeight(b) - structuredWeight(a) || recency(a) - recency(b),
  )

  const matches = candidates.map((c): RankedMatch => {
    const ranks = {
      embedding: embeddingRanks.get(c.incident.id) ?? null,
      keywords: keywordRanks.get(c.incident.id) ?? null,
      structured: structuredRanks.get(c.incident.id) ?? null,
      fields: fieldRanks.get(c.incident.id) ?? null,
    }
    const hoursBefore = Math.max(0, recency(c) / HOUR_MS)
    const fused =
      (ranks.embedding ? (options.embeddingWeight ?? 1) / (RRF_K + ranks.embedding) : 0) +
      (ranks.keywords ? ARM_WEIGHT.keywords / (RRF_K + ranks.keywords) : 0) +
      (ranks.structured ? ARM_WEIGHT.structured / (RRF_K + ranks.structured) : 0) +
      (ranks.fields ? BM25F_RRF_WEIGHT / (RRF_K + ranks.fields) : 0)
    const recent = recencyRanks.get(c.incident.id)
    const score = fused + (recent ? RECENCY_WEIGHT / (RRF_K + recent) : 0) + OUTCOME_ADJUSTMENT[c.incident.resolutionOutcome ?? 'unknown']
    const signals: MatchSignals = {
      embedding: c.cosine,
      keywords: c.keywordCoverage,
      keywordScore: c.bm25,
      matchedTerms: c.matchedTerms,
      fieldScore: c.fieldScore ?? 0,
      titleTerms: c.titleTerms ?? [],
      sameService: c.sameService,
      sameResource: c.sameResource,
      samePolicy: c.samePolicy,
      sameSignature: c.sameSignature,
      hoursBefore,
      ranks,
    }
    const textSignals = [c.cosine === null ? null : Math.max(0, c.cosine), c.keywordCoverage].filter((x): x is number => x !== null)
    const similarity = textSignals.reduce((s, x) => s + x, 0) / textSignals.length
    return { incident: c.incident, similarity, score, signals, matchedOn: explainSignals(c.incident, signals) }
  })
  return matches
    .filter((m) => Object.values(m.signals.ranks).some((r) => r !== null && r !== undefined))
    .sort((a, b) => b.score - a.score || a.signals.hoursBefore - b.signals.hoursBefore)
    .slice(0, options.limit)
}

/** The "why" beside a match: each signal that contributed, with its strength. */
export function explainSignals(incident: PastIncident, s: MatchSignals): string[] {
  const why: string[] = []
  if (s.embedding !== null) why.push(`text ${s.embedding.toFixed(2)}`)
  if (s.keywords > 0) why.push(`keywords ${s.keywords.toFixed(2)}${s.matchedTerms.length ? ` (${s.matchedTerms.slice(0, 5).join(', ')})` : ''}`)
  // BM25F's tokens as people read them: a whole identifier without its '=' mark, folded numbers and ids left out.
  const titleWords = (s.titleTerms ?? []).filter((t) => !t.startsWith('<')).map((t) => t.replace(/^=/, ''))
  if (titleWords.length) why.push(`title words (${titleWords.slice(0, 5).join(', ')})`)
  if (s.samePolicy) why.push('same alert policy')
  if (s.sameSignature) why.push(`same error ${incident.errorSignature ?? ''}`.trim())
  if (s.sameService) why.push('same service')
  if (s.sameResource) why.push('same resource type')
  why.push(`${describeAge(s.hoursBefore)} earlier`)
  return why
}

function describeAge(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`
  if (hours < 48) return `${Math.round(hours)} h`
  return `${Math.round(hours / 24)} days`
}
