import { bm25Tokens } from '../core/correlation/bm25-index'
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
  created: Date
}

/** How deep each retriever's list goes before fusion (the product takes 50 per retriever). */
export const DEPTH = 50

/** BM25 over per-field term frequencies: a title term counts `titleWeight` times (BM25F, one shared length normalisation). */
export class FieldBm25 {
  private readonly docs: Array<{ id: string; created: number; length: number; tf: Map<string, number> }> = []
  private readonly df = new Map<string, number>()
  private totalLength = 0

  constructor(
    private readonly tokens: (text: string) => string[],
    private readonly titleWeight = 1,
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  add(doc: ReportText): void {
    const tf = new Map<string, number>()
    const title = this.tokens(doc.title)
    const body = this.tokens(doc.body)
    for (const t of title) tf.set(t, (tf.get(t) ?? 0) + this.titleWeight)
    for (const t of body) tf.set(t, (tf.get(t) ?? 0) + 1)
    for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1)
    const length = this.titleWeight * title.length + body.length
    this.docs.push({ id: doc.id, created: doc.created.getTime(), length, tf })
    this.totalLength += length
  }

  private idf(t: string): number {
    const n = this.docs.length
    const d = this.df.get(t) ?? 0
    return Math.log(1 + (n - d + 0.5) / (d + 0.5))
  }

  /** Weighted query terms (a plain query weighs each distinct term 1). */
  queryTerms(q: { title: string; body: string }): Map<string, number> {
    return new Map([...new Set([...this.tokens(q.title), ...this.tokens(q.body)])].map((t) => [t, 1]))
  }

  search(terms: Map<string, number>, before: Date, depth = DEPTH): Array<{ id: string; score: number; doc: number }> {
    const average = this.totalLength / Math.max(1, this.docs.length)
    const idf = new Map([...terms.keys()].map((t) => [t, this.idf(t)]))
    const scored: Array<{ id: string; score: number; doc: number }> = []
    const limit = before.getTime()
    this.docs.forEach((doc, i) => {
      if (doc.created >= limit) return
      let score = 0
      for (const [t, w] of terms) {
        const f = doc.tf.get(t)
        if (!f) continue
        score += w * idf.get(t)! * ((f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * doc.length) / average)))
      }
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
      for (const [t, f] of doc.tf) model.set(t, (model.get(t) ?? 0) + (f / Math.max(1, doc.length)) * (r.score / total))
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

/** Weighted reciprocal rank fusion (k = 60) of ranked lists. */
export function fuseByRank(lists: Array<{ weight: number; ranked: Array<{ id: string }> }>, k = 60): Array<{ id: string; score: number }> {
  const score = new Map<string, number>()
  for (const list of lists) {
    if (list.weight === 0) continue
    list.ranked.forEach((r, i) => {
      score.set(r.id, (score.get(r.id) ?? 0) + list.weight / (k + i + 1))
    })
  }
  return [...score].map(([id, s]) => ({ id, score: s })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
}

export const TITLE_WEIGHT = 2

export function reportText(r: BugReport): ReportText {
  return { id: r.id, title: r.summary, body: r.description, created: r.created }
}

/**
 * Indexes the history once; then runs every base retriever for any query: plain BM25 (the
 * baseline), BM25F (identifiers split, light stem, title terms counted twice, as the product's
 * tsvector does), each with RM3 feedback, the hashing embedder, LSA fitted on the history, and
 * the candidates by time proximity (for the fusion that mirrors the product's).
 */
export class DuplicateRetrievers {
  private readonly plain = new FieldBm25(bm25Tokens, 1)
  private readonly fields = new FieldBm25(featureTokens, TITLE_WEIGHT)
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
