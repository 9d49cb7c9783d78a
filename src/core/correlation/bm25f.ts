/**
 * BM25F (Robertson, Zaragoza & Taylor, 2004) in its simple form: each field's term count is
 * multiplied by the field's weight and the weighted counts summed into one term frequency, which
 * is saturated and length-normalised once against the weighted document length. The scoring both
 * the product's search (over the trigger-kept term statistics of migration 0017) and the offline
 * duplicate eval use, so that the eval's figures are the product's.
 */

import { featureTokens } from './hashing-embedder'

export interface FieldCounts {
  title: number
  description: number
  resolution: number
}

/** A title term counts twice (the eval's winning variant); description and resolution once. */
export const BM25F_FIELD_WEIGHTS: Readonly<FieldCounts> = { title: 2, description: 1, resolution: 1 }
/** Term-frequency saturation and length normalisation (Robertson & Zaragoza's defaults, as for BM25). */
export const BM25F_K1 = 1.2
export const BM25F_B = 0.75
/**
 * Weight of the BM25F list in the reciprocal rank fusion (BM25's list weighs 1): chosen on each
 * GitBugs Hadoop split from the other split by `sre-agent eval duplicates`, 1.5 in both directions.
 */
export const BM25F_RRF_WEIGHT = 1.5

/** A query term and its inverse document frequency. */
export interface WeightedTerm {
  term: string
  idf: number
}

/** The document side: each matched term's counts per field, and the fields' lengths. */
export interface FieldDocument {
  counts: ReadonlyMap<string, FieldCounts>
  lengths: FieldCounts
}

/** Lucene's BM25 IDF, never negative: ln(1 + (N − df + 0.5) / (df + 0.5)). */
export function bm25fIdf(documents: number, documentFrequency: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5))
}

/** Σ weight × value over the fields: a weighted term frequency or a weighted length. */
export function weightedSum(counts: FieldCounts, weights: Readonly<FieldCounts> = BM25F_FIELD_WEIGHTS): number {
  return weightedFields(counts.title, counts.description, counts.resolution, weights)
}

/** weightedSum of the three fields' values given one by one (no object for them). */
export function weightedFields(title: number, description: number, resolution: number, weights: Readonly<FieldCounts> = BM25F_FIELD_WEIGHTS): number {
  return weights.title * title + weights.description * description + weights.resolution * resolution
}

/** A document's length normalisation, 1 − b + b · len / avglen, from its weighted length. */
export function bm25fNorm(weightedLength: number, averageLength: number, b: number = BM25F_B): number {
  return 1 - b + (averageLength > 0 ? (b * weightedLength) / averageLength : b)
}

/** One query term's part of the score: idf × tf (k1 + 1) / (tf + k1 · norm), for a weighted tf > 0. */
export function bm25fTermScore(idf: number, tf: number, norm: number, k1: number = BM25F_K1): number {
  return (idf * tf * (k1 + 1)) / (tf + k1 * norm)
}

/** The corpus' average weighted document length, from the per-field length totals. */
export function averageWeightedLength(totals: FieldCounts & { documents: number }, weights: Readonly<FieldCounts> = BM25F_FIELD_WEIGHTS): number {
  return totals.documents > 0 ? weightedSum(totals, weights) / totals.documents : 0
}

/**
 * The document's BM25F score for the query terms: Σ idf × tf (k1 + 1) / (tf + k1 (1 − b + b · len / avglen)),
 * tf and len weighted by field. Terms the document lacks add nothing.
 */
export function bm25fScore(
  query: readonly WeightedTerm[],
  doc: FieldDocument,
  averageLength: number,
  options: { weights?: Readonly<FieldCounts>; k1?: number; b?: number } = {},
): number {
  const weights = options.weights ?? BM25F_FIELD_WEIGHTS
  const k1 = options.k1 ?? BM25F_K1
  const b = options.b ?? BM25F_B
  const norm = bm25fNorm(weightedSum(doc.lengths, weights), averageLength, b)
  let score = 0
  for (const { term, idf } of query) {
    const counts = doc.counts.get(term)
    if (!counts) continue
    const tf = weightedSum(counts, weights)
    if (tf > 0) score += bm25fTermScore(idf, tf, norm, k1)
  }
  return score
}

/** Characters of a description tokenized, as migration 0021's incident_field_document (`left(description, 20000)`). */
const DESCRIPTION_CHARS = 20_000
/** The stored per-field counts are smallints. */
const COUNT_CAP = 32_767

/** One incident's stored BM25F document: its distinct terms (sorted), each one's count per field, each field's length in tokens. */
export interface FieldTermDocument {
  terms: string[]
  title: number[]
  description: number[]
  resolution: number[]
  lengths: FieldCounts
}

/**
 * What migration 0021's `incident_field_document` computes in SQL, computed here with the same tokenizer
 * (`featureTokens`, which `incident_field_tokens` mirrors): written with an incident it spares Postgres the
 * tokenizing (migration 0023).
 */
export function fieldTermDocument(fields: { title: string; description?: string | null; resolution?: string | null }): FieldTermDocument {
  const description = fields.description ?? ''
  const tokens = [
    featureTokens(fields.title),
    featureTokens(description.length > DESCRIPTION_CHARS ? Array.from(description).slice(0, DESCRIPTION_CHARS).join('') : description),
    featureTokens(fields.resolution ?? ''),
  ] as const
  const counts = new Map<string, [number, number, number]>()
  tokens.forEach((list, field) => {
    for (const token of list) {
      const c = counts.get(token) ?? [0, 0, 0]
      c[field] = Math.min(c[field]! + 1, COUNT_CAP)
      counts.set(token, c)
    }
  })
  const terms = [...counts.keys()].sort()
  return {
    terms,
    title: terms.map((t) => counts.get(t)![0]),
    description: terms.map((t) => counts.get(t)![1]),
    resolution: terms.map((t) => counts.get(t)![2]),
    lengths: { title: tokens[0].length, description: tokens[1].length, resolution: tokens[2].length },
  }
}
