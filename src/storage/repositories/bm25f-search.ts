import { sql } from 'drizzle-orm'
import { averageWeightedLength, bm25fIdf, bm25fScore, type FieldCounts, type WeightedTerm } from '../../core/correlation/bm25f'
import { featureTokens } from '../../core/correlation/hashing-embedder'
import { rowsOf, type Database } from '../database'
import { postgresArrayLiteral } from '../postgres-array'

/** Query terms kept (rarest first): bounds the cost of huge queries, as for the BM25 arm. */
const MAX_QUERY_TERMS = 64
/**
 * Incidents scored per query: those holding the query's rarest terms, taken rarest first while
 * their document counts add up to this (an incident sharing only common words is left to the
 * other retrievers), as the BM25 arm does.
 */
export const FIELD_POOL = 500

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
 * the incidents holding its rarest terms pooled, and each scored in TypeScript by `bm25fScore`,
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
  const selective: string[] = []
  let pooled = 0
  for (const t of known) {
    if (selective.length > 0 && pooled + t.documents > poolSize) break
    selective.push(t.term)
    pooled += t.documents
  }

  const exclude = options.excludeId ? sql`and f.incident_id <> ${options.excludeId}::uuid` : sql``
  // The pooled rows come back whole and their query terms are picked out here: unnesting up to 500 term arrays in SQL
  // (a set-returning call per row, then a join, a sort and four aggregates) cost more than sending the arrays.
  const rows = rowsOf(
    await db.execute(sql`
      select f.incident_id as id, f.started_at, f.title_length, f.description_length, f.resolution_length,
             f.terms, f.title_tf as t, f.description_tf as d, f.resolution_tf as r
      from incident_field_terms f
      where f.terms && ${postgresArrayLiteral(selective)}::text[] and f.started_at < ${options.before.toISOString()}::timestamptz
        ${exclude}
      ${Number.isFinite(poolSize) ? sql`limit ${sql.raw(String(poolSize))}` : sql``}`),
  )

  const average = averageWeightedLength(totals)
  const rank = new Map(known.map((t, i) => [t.term, i]))
  const scored = rows.map((r) => {
    const terms = r.terms as string[]
    const [t, d, res] = [r.t, r.d, r.r] as number[][]
    const counts = new Map<string, FieldCounts>()
    const titleTerms: string[] = []
    for (const [i, term] of terms.entries()) {
      if (!rank.has(term)) continue
      counts.set(term, { title: num(t![i]), description: num(d![i]), resolution: num(res![i]) })
      if (num(t![i]) > 0) titleTerms.push(term)
    }
    titleTerms.sort((a, b) => rank.get(a)! - rank.get(b)!)
    const lengths = { title: num(r.title_length), description: num(r.description_length), resolution: num(r.resolution_length) }
    const started = r.started_at instanceof Date ? r.started_at.getTime() : new Date(String(r.started_at)).getTime()
    return { id: String(r.id), score: bm25fScore(known, { counts, lengths }, average), titleTerms, started }
  })
  scored.sort((a, b) => b.score - a.score || b.started - a.started || (a.id < b.id ? -1 : 1))
  return { ranked: scored.filter((s) => s.score > 0).map(({ id, score, titleTerms }) => ({ id, score, titleTerms })), terms: known }
}
