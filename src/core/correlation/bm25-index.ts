import { DEFAULT_STOPWORDS } from './stopwords'

/** Plain BM25 tokens: lower-cased alphanumeric runs, English stopwords dropped, no stemming. */
export function bm25Tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1 && !DEFAULT_STOPWORDS.has(t))
}

/**
 * Okapi BM25 over an in-memory corpus (k1 = 1.2, b = 0.75, Lucene's IDF): the
 * textbook baseline that hybrid retrieval is measured against.
 */
export class Bm25Index {
  private readonly docs: Array<{ id: string; length: number; tf: Map<string, number> }> = []
  private readonly df = new Map<string, number>()
  private totalLength = 0

  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  add(id: string, text: string): void {
    const tf = new Map<string, number>()
    const tokens = bm25Tokens(text)
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1)
    for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1)
    this.docs.push({ id, length: tokens.length, tf })
    this.totalLength += tokens.length
  }

  /** Documents that `accept` lets through, best first, with their scores. */
  search(text: string, options: { limit: number; accept?: (id: string) => boolean }): Array<{ id: string; score: number }> {
    const n = this.docs.length
    const average = this.totalLength / Math.max(1, n)
    const terms = [...new Set(bm25Tokens(text))]
    const idf = new Map(terms.map((t) => [t, Math.log(1 + (n - (this.df.get(t) ?? 0) + 0.5) / ((this.df.get(t) ?? 0) + 0.5))]))
    const scored: Array<{ id: string; score: number }> = []
    for (const doc of this.docs) {
      if (options.accept && !options.accept(doc.id)) continue
      let score = 0
      for (const t of terms) {
        const f = doc.tf.get(t)
        if (!f) continue
        score += idf.get(t)! * ((f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * doc.length) / average)))
      }
      if (score > 0) scored.push({ id: doc.id, score })
    }
    return scored.sort((x, y) => y.score - x.score).slice(0, options.limit)
  }
}
