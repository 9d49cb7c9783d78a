import { bm25Tokens } from '../core/correlation/bm25-index'
import { averageWeightedLength, BM25F_FIELD_WEIGHTS, bm25fIdf, bm25fScore, type FieldCounts, weightedSum } from '../core/correlation/bm25f'
import { RRF_K } from '../core/correlation/hybrid-ranking'
import { featureTokens, HashingEmbedder } from '../core/correlation/hashing-embedder'
import { LsaModel } from '../core/correlation/lsa'
import type { BugReport } from './gitbugs/read-gitbugs-reports'

/**
 * The retrievers of the duplicate eval, each alone and in fusion, in memory over the same
 * reports: what a change to the product's ranking is judged by, split by split.
 */
export interface ScoredList {
  /** Best first, at most DEPTH entries, only reports created before the query. */
  ranked: Array<{ id: string; score: number }>
}

export interface ReportText {
  id: string
  title: string
  body: string
  /** How the report was closed (GitBugs' Resolution): the product indexes it as the resolution field. */
  resolution?: string
  created: Date
}

/** How deep each retriever's list goes before fusion (the product takes 50 per retriever). */
export const DEPTH = 50

/**
 * BM25F in memory over per-field term counts, scored by the product's own `bm25fScore` (the
 * search over Postgres scores its candidates with the same function): with the product's field
 * weights it is the product's BM25F arm; with weights 1 / 1 / 0 and plain tokens it is plain BM25.
 */
export class FieldBm25 {
  private readonly docs: Array<{ id: string; created: number; lengths: FieldCounts; counts: Map<string, FieldCounts> }> = []
  private readonly df = new Map<string, number>()
  private readonly totals = { documents: 0, title: 0, description: 0, resolution: 0 }

  constructor(
    private readonly tokens: (text: string) => string[],
    private readonly weights: Readonly<FieldCounts> = BM25F_FIELD_WEIGHTS,
  ) {}

  add(doc: ReportText): void {
    const counts = new Map<string, FieldCounts>()
    const fields: Array<[keyof FieldCounts, string[]]> = [
      ['title', this.weights.title ? this.tokens(doc.title) : []],
      ['description', this.weights.description ? this.tokens(doc.body) : []],
      ['resolution', this.weights.resolution ? this.tokens(doc.resolution ?? '') : []],
    ]
    const lengths: FieldCounts = { title: 0, description: 0, resolution: 0 }
    for (const [field, tokens] of fields) {
      lengths[field] = tokens.length
      for (const t of tokens) {
        const c = counts.get(t) ?? { title: 0, description: 0, resolution: 0 }
        c[field]++
        counts.set(t, c)
      }
    }
    for (const t of counts.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1)
    this.docs.push({ id: doc.id, created: doc.created.getTime(), lengths, counts })
    this.totals.documents++
    for (const [field] of fields) this.totals[field] += lengths[field]
  }

  /** Weighted query terms (a plain query weighs each distinct term 1). */
  queryTerms(q: { title: string; body: string }): Map<string, number> {
    return new Map([...new Set([...this.tokens(q.title), ...this.tokens(q.body)])].map((t) => [t, 1]))
  }

  search(terms: Map<string, number>, before: Date, depth = DEPTH): Array<{ id: string; score: number; doc: number }> {
    const average = averageWeightedLength(this.totals, this.weights)
    const query = [...terms].map(([term, w]) => ({ term, idf: w * bm25fIdf(this.totals.documents, this.df.get(term) ?? 0) }))
    const scored: Array<{ id: string; score: number; doc: number }> = []
    const limit = before.getTime()
    this.docs.forEach((doc, i) => {
      if (doc.created >= limit) return
      const score = bm25fScore(query, doc, average, { weights: this.weights })
      if (score > 0) scored.push({ id: doc.id, score, doc: i })
    })
    return scored.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1)).slice(0, depth)
  }

  /**
   * RM3 pseudo-relevance feedback (Abdul-Jaleel et al., 2004; Anserini's defaults: 10 feedback
   * documents, 10 expansion terms, original query weight 0.5): the query is expanded with the
   * terms most likely under the top documents, each weighted by its document's normalised score.
   */
  expand(terms: Map<string, number>, before: Date, options = { documents: 10, terms: 10, originalWeight: 0.5 }): Map<string, number> {
    const top = this.search(terms, before, options.documents)
    const total = top.reduce((s, r) => s + r.score, 0)
    if (total === 0) return terms
    const model = new Map<string, number>()
    for (const r of top) {
      const doc = this.docs[r.doc]!
      const length = Math.max(1, weightedSum(doc.lengths, this.weights))
      for (const [t, c] of doc.counts) model.set(t, (model.get(t) ?? 0) + (weightedSum(c, this.weights) / length) * (r.score / total))
    }
    const expansion = [...model].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, options.terms)
    const mass = expansion.reduce((s, [, w]) => s + w, 0) || 1
    const original = [...terms.values()].reduce((s, w) => s + w, 0) || 1
    const mixed = new Map<string, number>()
    for (const [t, w] of terms) mixed.set(t, (options.originalWeight * w) / original)
    for (const [t, w] of expansion) mixed.set(t, (mixed.get(t) ?? 0) + ((1 - options.originalWeight) * w) / mass)
    return mixed
  }
}

/** Exact cosine nearest neighbours among earlier reports. */
class VectorIndex {
  private readonly vectors: Array<{ id: string; created: number; vector: number[] }> = []
  add(id: string, created: Date, vector: number[]): void {
    this.vectors.push({ id, created: created.getTime(), vector })
  }
  search(query: number[], before: Date, depth = DEPTH): Array<{ id: string; score: number }> {
    const limit = before.getTime()
    const scored: Array<{ id: string; score: number }> = []
    for (const v of this.vectors) {
      if (v.created >= limit) continue
      let dot = 0
      for (let i = 0; i < query.length; i++) dot += query[i]! * v.vector[i]!
      scored.push({ id: v.id, score: dot })
    }
    return scored.sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1)).slice(0, depth)
  }
}

/** Weighted reciprocal rank fusion (k = 60, the product's RRF_K) of ranked lists. */
export function fuseByRank(lists: Array<{ weight: number; ranked: Array<{ id: string }> }>, k = RRF_K): Array<{ id: string; score: number }> {
  const score = new Map<string, number>()
  for (const list of lists) {
    if (list.weight === 0) continue
    list.ranked.forEach((r, i) => {
      score.set(r.id, (score.get(r.id) ?? 0) + list.weight / (k + i + 1))
    })
  }
  return [...score].map(([id, s]) => ({ id, score: s })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
}

export function reportText(r: BugReport): ReportText {
  return { id: r.id, title: r.summary, body: r.description, resolution: r.resolution, created: r.created }
}

/**
 * Indexes the history once; then runs every base retriever for any query: plain BM25 (the
 * baseline), BM25F (the product's: identifiers split, light stem, title terms counted twice,
 * resolution once, the same scoring function), each with RM3 feedback, the hashing embedder, LSA fitted on the history, and
 * the candidates by time proximity (for the fusion that mirrors the product's).
 */
export class DuplicateRetrievers {
  private readonly plain = new FieldBm25(bm25Tokens, { title: 1, description: 1, resolution: 0 })
  private readonly fields = new FieldBm25(featureTokens)
  private readonly hashing = new VectorIndex()
  private readonly latent = new VectorIndex()
  private readonly embedder = new HashingEmbedder()
  readonly lsa: LsaModel
  private readonly created = new Map<string, number>()

  constructor(history: ReportText[], options: { lsaRank?: number } = {}) {
    const joined = (r: { title: string; body: string }) => `${r.title}\n${r.body}`.slice(0, 8000)
    this.lsa = LsaModel.fit(
      history.map((r) => joined(r)),
      { rank: options.lsaRank ?? 200 },
    )
    for (const r of history) {
      this.plain.add(r)
      this.fields.add(r)
      this.hashing.add(r.id, r.created, this.embedder.embedOne(joined(r)))
      this.latent.add(r.id, r.created, this.lsa.embedOne(joined(r)))
      this.created.set(r.id, r.created.getTime())
    }
  }

  /** Every base retriever's list for one query. */
  run(query: ReportText): Record<string, Array<{ id: string; score: number }>> {
    const joined = `${query.title}\n${query.body}`.slice(0, 8000)
    const before = query.created
    const plainTerms = this.plain.queryTerms(query)
    const fieldTerms = this.fields.queryTerms(query)
    const bm25 = this.plain.search(plainTerms, before)
    const fielded = this.fields.search(fieldTerms, before)
    const recency = [...new Set([...bm25, ...fielded].map((r) => r.id))].map((id) => ({ id, score: this.created.get(id)! })).sort((a, b) => b.score - a.score)
    return {
      BM25: bm25,
      'BM25 + RM3': this.plain.search(this.plain.expand(plainTerms, before), before),
      BM25F: fielded,
      'BM25F + RM3': this.fields.search(this.fields.expand(fieldTerms, before), before),
      'hashing embedder': this.hashing.search(this.embedder.embedOne(joined), before),
      LSA: this.latent.search(this.lsa.embedOne(joined), before),
      recency,
    }
  }
}
