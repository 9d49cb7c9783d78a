import { sql } from 'drizzle-orm'
import { averageWeightedLength, bm25fIdf, bm25fNorm, bm25fTermScore, type WeightedTerm, weightedFields } from '../../core/correlation/bm25f'
import { featureTokens } from '../../core/correlation/hashing-embedder'
import { rowsOf, type Database } from '../database'
import { ArrayElementMatcher, integerArrayElements, postgresArrayLiteral } from '../postgres-array'

/** Query terms kept (rarest first): bounds the cost of huge queries, as for the BM25 arm. */
const MAX_QUERY_TERMS = 64
/**
 * Incidents scored per query: those holding the query's rarest terms, taken rarest first while
 * their document counts add up to this (an incident sharing only common words is left to the
 * other retrievers), as the BM25 arm does.
 */
export const FIELD_POOL = 500

/**
 * The terms whose incidents make a lexical arm's pool: rarest first (as given) while their document counts add up to
 * `size`, at least one. An incident sharing only commoner words is left to the other retrievers.
 */
export function rarestFirstPool<T extends { documents: number }>(terms: readonly T[], size: number): T[] {
  const pool: T[] = []
  let documents = 0
  for (const t of terms) {
    if (pool.length > 0 && documents + t.documents > size) break
    pool.push(t)
    documents += t.documents
  }
  return pool
}

export interface FieldTermHit {
  id: string
  score: number
  /** The query's terms in the incident's title, rarest first. */
  titleTerms: string[]
}

export interface FieldTermSearch {
  /** Every pooled incident's BM25F score, best first (ties: the more recent first, then by id). */
  ranked: FieldTermHit[]
  /** The query's terms the history knows, rarest first, after the cap. */
  terms: WeightedTerm[]
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))

/**
 * BM25F candidates for a query text, over the trigger-kept field terms of migration 0017: the
 * query is tokenized by featureTokens (which the SQL tokenizer of the incidents mirrors), its terms weighted by IDF from the
 * kept document frequencies (the excluded incident, the query itself when stored, not counted),
 * the incidents holding its rarest terms pooled, and each scored in TypeScript with `bm25fScore`'s arithmetic,
 * the function the offline eval uses, from its stored per-field counts and lengths.
 */
export async function searchFieldTerms(
  db: Database,
  text: string,
  options: {
    before: Date
    excludeId?: string
    /** Incidents scored at most (FIELD_POOL); Infinity scores every one holding a query term (bench:search's exact ranking). */
    pool?: number
  },
): Promise<FieldTermSearch> {
  const poolSize = options.pool ?? FIELD_POOL
  const own = options.excludeId ? sql`(select terms from incident_field_terms where incident_id = ${options.excludeId}::uuid)` : sql`null::text[]`
  const statistics = rowsOf(
    await db.execute(sql`
      with own as (select coalesce(${own}, array[]::text[]) as terms),
      query_terms as (select distinct unnest(${postgresArrayLiteral(featureTokens(text))}::text[]) as term)
      select t.documents - (cardinality(own.terms) > 0)::int as total, t.title_length, t.description_length, t.resolution_length,
             q.term, s.documents - (q.term = any(own.terms))::int as documents
      from incident_field_term_totals t cross join own
      left join (query_terms q join incident_field_term_documents s on s.term = q.term) on true
      where t.id = 1`),
  )
  const first = statistics[0]
  if (!first) return { ranked: [], terms: [] }
  const totals = {
    documents: num(first.total),
    title: num(first.title_length),
    description: num(first.description_length),
    resolution: num(first.resolution_length),
  }
  const known = statistics
    .filter((r) => r.term !== null && num(r.documents) > 0)
    .map((r) => ({ term: String(r.term), documents: num(r.documents), idf: bm25fIdf(totals.documents, num(r.documents)) }))
    .sort((a, b) => b.idf - a.idf || (a.term < b.term ? -1 : 1))
    .slice(0, MAX_QUERY_TERMS)
  if (known.length === 0) return { ranked: [], terms: [] }
  const selective = rarestFirstPool(known, poolSize).map((t) => t.term)

  const exclude = options.excludeId ? sql`and f.incident_id <> ${options.excludeId}::uuid` : sql``
  // The pooled rows come back whole and their query terms are picked out here: unnesting up to 500 term arrays in SQL
  // (a set-returning call per row, then a join, a sort and four aggregates) cost more than sending the arrays. They come
  // as Postgres writes them and only the query's terms are read out (ArrayElementMatcher): parsed into ≈ 150 values a
  // row, the pool was ≈ 3.6 MB of garbage per search, and the collector's pauses were a good part of the slowest searches.
  const rows = rowsOf(
    await db.execute(sql`
      select f.incident_id as id, f.started_at, f.title_length, f.description_length, f.resolution_length,
             f.terms::text as terms, f.title_tf::text as t, f.description_tf::text as d, f.resolution_tf::text as r
      from incident_field_terms f
      where f.terms && ${postgresArrayLiteral(selective)}::text[] and f.started_at < ${options.before.toISOString()}::timestamptz
        ${exclude}
      ${Number.isFinite(poolSize) ? sql`limit ${sql.raw(String(poolSize))}` : sql``}`),
  )

  const average = averageWeightedLength(totals)
  const rank = new Map(known.map((t, i) => [t.term, i]))
  const matcher = new ArrayElementMatcher(rank.keys())
  // Per row: the weighted tf of each query term (by its rank), then the sum in the query's order, as bm25fScore adds it
  // (the offline eval's scorer; the same arithmetic, so the same score), without a Map and an object per matched term.
  const tf = new Float64Array(known.length)
  const inTitle = new Uint8Array(known.length)
  const ranks: number[] = []
  const positions: number[] = []
  const scored = rows.map((r) => {
    ranks.length = 0
    positions.length = 0
    matcher.scan(String(r.terms), (term, i) => {
      ranks.push(rank.get(term)!)
      positions.push(i)
    })
    const t = integerArrayElements(String(r.t), positions)
    const d = integerArrayElements(String(r.d), positions)
    const res = integerArrayElements(String(r.r), positions)
    tf.fill(0)
    inTitle.fill(0)
    // Indexed loops: `entries()` made an array per step, thousands a search.
    for (let k = 0; k < ranks.length; k++) {
      tf[ranks[k]!] = weightedFields(t[k]!, d[k]!, res[k]!)
      if (t[k]! > 0) inTitle[ranks[k]!] = 1
    }
    const norm = bm25fNorm(weightedFields(num(r.title_length), num(r.description_length), num(r.resolution_length)), average)
    let score = 0
    const titleTerms: string[] = []
    for (let q = 0; q < known.length; q++) {
      if (tf[q]! > 0) score += bm25fTermScore(known[q]!.idf, tf[q]!, norm)
      if (inTitle[q]) titleTerms.push(known[q]!.term)
    }
    const started = r.started_at instanceof Date ? r.started_at.getTime() : Date.parse(String(r.started_at))
    return { id: String(r.id), score, titleTerms, started }
  })
  scored.sort((a, b) => b.score - a.score || b.started - a.started || (a.id < b.id ? -1 : 1))
  return { ranked: scored.filter((s) => s.score > 0).map(({ id, score, titleTerms }) => ({ id, score, titleTerms })), terms: known }
}
