import { and, cosineDistance, eq, lt, ne, sql, type SQL } from 'drizzle-orm'
import type { CandidateQuery, CandidateSearchResult } from '../../core/correlation/correlate-incident'
import type { SearchCandidate } from '../../core/correlation/hybrid-ranking'
import type { PastIncident } from '../../core/correlation/past-incident-match'
import { hasSearchSessionSettings, rowsOf, SEARCH_SESSION_SETTINGS, type Database } from '../database'
import { ArrayElementMatcher } from '../postgres-array'
import { incidentEmbeddings, incidents } from '../schema'
import { type FieldTermSearch, rarestFirstPool, searchFieldTerms } from './bm25f-search'
import { incidentColumns, toIncident, type Incident } from './incidents'

export interface SimilarIncidentRow {
  incident: Incident
  /** Cosine similarity in [-1, 1]. */
  similarity: number
}

/**
 * Nearest past incidents by embedding (HNSW, cosine), only among those that started
 * before `before`, so a query never sees its own future.
 */
export async function findSimilarIncidents(
  db: Database,
  embedding: number[],
  options: { before: Date; excludeId?: string; limit?: number },
): Promise<SimilarIncidentRow[]> {
  const distance = cosineDistance(incidentEmbeddings.embedding, embedding)
  const rows = await db
    .select({ incident: incidentColumns, distance: sql<number>`${distance}` })
    .from(incidentEmbeddings)
    .innerJoin(incidents, eq(incidents.id, incidentEmbeddings.incidentId))
    .where(and(lt(incidentEmbeddings.startedAt, options.before), options.excludeId ? ne(incidentEmbeddings.incidentId, options.excludeId) : undefined))
    .orderBy(distance)
    .limit(options.limit ?? 5)
  return rows.map((r) => ({ incident: toIncident(r.incident), similarity: 1 - Number(r.distance) }))
}

/**
 * Runs an HNSW search with the search's settings: as it is on connections that started with them, otherwise in a
 * transaction that sets them first (the embedded PGlite, or more neighbours asked than the beam width).
 */
function withSearchSettings<T>(db: Database, k: number, run: (tx: Pick<Database, 'execute'>) => Promise<T>): Promise<T> {
  if (hasSearchSessionSettings(db) && k <= HNSW_EF_SEARCH) return run(db)
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('hnsw.ef_search', ${String(Math.max(HNSW_EF_SEARCH, k))}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`,
    )
    return run(tx)
  })
}

/** BM25 parameters (Robertson & Zaragoza): term-frequency saturation and length normalisation. */
const BM25_K1 = 1.2
const BM25_B = 0.75
/**
 * A candidate's BM25 score, keyword coverage and matched keywords, from its lexemes: the same sum, term by term in the
 * query's order, for the keyword arm's pool and for every candidate alike (hybrid-search.test.ts checks it against the
 * formula in SQL). A term counts twice in the title or service/policy (weights A, B), once elsewhere.
 * Scored here rather than in a statement: a query's few dozen terms tested one by one against each of ≈ 100–500
 * incidents cost Postgres more than sending their lexemes. The lexemes come as Postgres writes a text[] and only
 * the query's are read out (ArrayElementMatcher), without a string and a set entry for every lexeme of every candidate.
 */
class KeywordScorer {
  private readonly rank: Map<string, number>
  private readonly matcher: ArrayElementMatcher
  private readonly anywhere: Uint8Array
  private readonly inTitle: Uint8Array
  private readonly allIdf: number

  constructor(
    private readonly terms: ReadonlyArray<{ term: string; idf: number }>,
    private readonly averageLexemes: number,
  ) {
    this.rank = new Map(terms.map((t, i) => [t.term, i]))
    this.matcher = new ArrayElementMatcher(this.rank.keys())
    this.anywhere = new Uint8Array(terms.length)
    this.inTitle = new Uint8Array(terms.length)
    this.allIdf = terms.reduce((sum, t) => sum + t.idf, 0)
  }

  score(lexemes: string, titleLexemes: string, lexemeCount: number): { bm25: number; keywordCoverage: number; matchedTerms: string[] } {
    const { terms, anywhere, inTitle, rank } = this
    anywhere.fill(0)
    inTitle.fill(0)
    this.matcher.scan(lexemes, (term) => {
      anywhere[rank.get(term)!] = 1
    })
    this.matcher.scan(titleLexemes, (term) => {
      inTitle[rank.get(term)!] = 1
    })
    let bm25 = 0
    let matchedIdf = 0
    const matchedTerms: string[] = []
    for (let q = 0; q < terms.length; q++) {
      const { term, idf } = terms[q]!
      const tf = !anywhere[q] ? 0 : inTitle[q] ? 2 : 1
      bm25 += (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * lexemeCount) / this.averageLexemes))
      if (tf === 0) continue
      matchedIdf += idf
      matchedTerms.push(term)
    }
    return { bm25, keywordCoverage: this.allIdf === 0 ? 0 : matchedIdf / this.allIdf, matchedTerms }
  }
}

/** An incident's lexemes, those of its title and service/policy (weights A, B) and their count, as KeywordScorer reads them. */
const lexemeColumns = (searchVector: SQL) =>
  sql`tsvector_to_array(${searchVector})::text as lexemes, tsvector_to_array(ts_filter(${searchVector}, '{a,b}'))::text as title_lexemes,
      length(${searchVector}) as lexeme_count`

/** Keywords kept per query (rarest first): bounds the cost of huge queries. */
const MAX_QUERY_TERMS = 64
/**
 * Lexical candidates scored per query. They are the incidents holding the query's
 * rarest words, taken rarest first while their document counts add up to this:
 * an incident sharing only common words is left to the embedding retriever.
 */
const LEXICAL_POOL = 500
/** HNSW beam width: recall of the approximate search against exact (see bench/search.ts). */
const HNSW_EF_SEARCH = Number(SEARCH_SESSION_SETTINGS['hnsw.ef_search'])

/** Which arms found a candidate (SQL fragment of searchIncidentCandidates). */
const ARM_FLAGS = sql.raw(
  "bool_or(arm = 'embedding') as by_embedding, bool_or(arm = 'keywords') as by_keywords, bool_or(arm = 'structured') as by_structured, " +
    "bool_or(arm = 'fields') as by_fields",
)

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)))

interface QueryTerms {
  terms: Array<{ term: string; idf: number; documents: number }>
  /** The query's words found in the history, before the cap to the rarest MAX_QUERY_TERMS. */
  known: number
  signature: string | null
  averageLexemes: number
}

/**
 * The query's keywords with their IDF (from the trigger-kept statistics) and its error
 * signature. The excluded incident (the query itself, when stored) is not counted:
 * a word only it contains matches nothing and is dropped.
 */
async function analyseQueryText(db: Database, text: string, excludeId: string | undefined): Promise<QueryTerms> {
  const own = excludeId ? sql`(select tsvector_to_array(search_vector) from incidents where id = ${excludeId}::uuid)` : sql`array[]::text[]`
  const result = await db.execute(sql`
    with totals as (select greatest(documents, 1)::float8 as documents, greatest(lexemes, 1)::float8 as lexemes from incident_search_totals where id = 1),
    own as (select coalesce(${own}, array[]::text[]) as terms),
    query_terms as (select distinct unnest(tsvector_to_array(to_tsvector('english'::regconfig, ${text}))) as term),
    counted as (
      select q.term, s.documents - (q.term = any(own.terms))::int as documents
      from query_terms q join incident_search_terms s on s.term = q.term cross join own
      where strpos(q.term, '''') = 0 and strpos(q.term, chr(92)) = 0
    )
    select c.term, c.documents, ln(1 + (t.documents - c.documents + 0.5) / (c.documents + 0.5)) as idf,
           incident_error_signature(${text}) as signature, t.lexemes / t.documents as average_lexemes, count(*) over () as known
    from counted c cross join totals t
    where c.documents > 0
    order by idf desc, c.term
    limit ${MAX_QUERY_TERMS}`)
  const rows = rowsOf(result)
  if (rows.length > 0) {
    return {
      terms: rows.map((r) => ({ term: String(r.term), idf: num(r.idf), documents: num(r.documents) })),
      known: num(rows[0]!.known),
      signature: (rows[0]!.signature as string | null) ?? null,
      averageLexemes: num(rows[0]!.average_lexemes),
    }
  }
  const [only] = rowsOf(await db.execute(sql`select incident_error_signature(${text}) as signature`))
  return { terms: [], known: 0, signature: (only?.signature as string | null) ?? null, averageLexemes: 1 }
}

/**
 * The keyword (BM25) arm: the `k` best of a pool of incidents holding the query's rarest keywords, taken rarest first
 * while their document counts add up to LEXICAL_POOL (an incident sharing only common words is left to the embedding
 * retriever), each scored by KeywordScorer from its lexemes. Equal scores go to the more recent incident, as the ranking
 * breaks them: not to whichever the scan met first, which depends on where rows happen to lie in the table.
 */
async function keywordPoolBest(
  db: Database,
  analysed: QueryTerms,
  scorer: KeywordScorer,
  options: { before: SQL; exclude: SQL; k: number },
): Promise<string[]> {
  const selective = rarestFirstPool(analysed.terms, LEXICAL_POOL)
  if (selective.length === 0) return []
  const anyTerm = selective.map((t) => `'${t.term}'`).join(' | ')
  const rows = rowsOf(
    await db.execute(sql`
      select id, started_at, ${lexemeColumns(sql`search_vector`)}
      from incidents
      where search_vector @@ ${anyTerm}::tsquery and started_at < ${options.before} ${options.exclude}
      limit ${sql.raw(String(LEXICAL_POOL))}`),
  )
  return rows
    .map((r) => ({
      id: String(r.id),
      score: scorer.score(String(r.lexemes), String(r.title_lexemes), num(r.lexeme_count)).bm25,
      started: date(r.started_at).getTime(),
    }))
    .sort((x, y) => y.score - x.score || y.started - x.started)
    .slice(0, options.k)
    .map((r) => r.id)
}

/**
 * Candidates for hybrid ranking, from four retrievers over incidents that started
 * before `query.before`: HNSW cosine search on embeddings of the same model, BM25
 * over the full-text index, BM25F over the per-field terms (bm25f-search.ts), and
 * structured matches (same service, alert policy or error signature, most recent first). Every candidate comes back with every signal
 * measured, so each match can explain itself. Outcomes recorded after `before` are hidden.
 */
export async function searchIncidentCandidates(db: Database, query: CandidateQuery): Promise<CandidateSearchResult> {
  const text = query.text
  const noTerms: QueryTerms = { terms: [], known: 0, signature: null, averageLexemes: 1 }
  const noFields: FieldTermSearch = { ranked: [], terms: [] }
  const k = query.perRetriever
  const exclude = query.excludeId ? sql`and id <> ${query.excludeId}::uuid` : sql``
  const before = sql`${query.before.toISOString()}::timestamptz`
  const vector = query.embedding ? `[${query.embedding.join(',')}]` : null
  // The nearest neighbours are asked on their own, beside the two keyword statistics, rather than inside the
  // statement that follows them: the HNSW walk is the longest part of a search and needs nothing they find.
  // The embeddings have their own table (migration 0025), with their incident's start time.
  const excludeEmbedding = query.excludeId ? sql`and incident_id <> ${query.excludeId}::uuid` : sql``
  const nearest = vector
    ? withSearchSettings(db, k, (tx) =>
        tx.execute(sql`select incident_id from incident_embeddings
          where model = ${query.embeddingModel} and started_at < ${before} ${excludeEmbedding}
          order by embedding <=> ${vector}::vector limit ${sql.raw(String(k))}`),
      ).then((rows) => rowsOf(rows).map((r) => String(r.incident_id)))
    : Promise.resolve([])
  // The keyword arm's pool is read as soon as the query's keyword statistics are known, beside the BM25F pool and the
  // nearest neighbours, and scored here: in the statement that gathers the candidates it ran after all of them.
  const keywordArm = (text ? analyseQueryText(db, text, query.excludeId) : Promise.resolve(noTerms)).then(async (analysed) => {
    const scorer = new KeywordScorer(analysed.terms, analysed.averageLexemes)
    return { analysed, scorer, ids: await keywordPoolBest(db, analysed, scorer, { before, exclude, k }) }
  })
  const [{ analysed, scorer: keywords, ids: keywordIds }, fields, nearestIds] = await Promise.all([
    keywordArm,
    text ? searchFieldTerms(db, text, { before: query.before, excludeId: query.excludeId }) : noFields,
    nearest,
  ])
  const { terms, known, signature } = analysed

  const givenIds = (ids: string[], arm: string) => sql`(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid as id, ${arm} as arm)`
  const arms: SQL[] = []
  if (nearestIds.length > 0) arms.push(givenIds(nearestIds, 'embedding'))
  if (keywordIds.length > 0) arms.push(givenIds(keywordIds, 'keywords'))
  const fieldHits = fields.ranked.slice(0, k)
  if (fieldHits.length > 0)
    arms.push(
      givenIds(
        fieldHits.map((h) => h.id),
        'fields',
      ),
    )
  const structured: Array<[SQL, string | null]> = [
    [sql`service`, query.service],
    [sql`policy_name`, query.policyName],
    [sql`error_signature`, signature],
  ]
  const newestFirst = sql`order by started_at desc limit ${sql.raw(String(k))}`
  for (const [column, value] of structured) {
    if (value === null) continue
    arms.push(sql`(select id, 'structured' as arm from incidents where ${column} = ${value} and started_at < ${before} ${exclude} ${newestFirst})`)
  }
  if (arms.length === 0) return { candidates: [], keywords: [], keywordsKnown: known, errorSignature: signature }

  // Null for a candidate without an embedding of the query's model.
  const cosine = vector ? sql`case when e.embedding is not null then 1 - (e.embedding <=> ${vector}::vector) end` : sql`null::float8`
  const embeddings = vector ? sql`left join incident_embeddings e on e.incident_id = i.id and e.model = ${query.embeddingModel}` : sql``
  const statement = sql`
        with hits as (${sql.join(arms, sql` union all `)}),
        found as (select id, ${ARM_FLAGS} from hits group by id)
        select i.id, i.number, i.title, i.service, i.resource_type, i.policy_name, i.error_signature, i.started_at, i.resolved_at,
               i.root_cause, i.resolution, i.playbook_id,
               case when i.resolved_at is not null and i.resolved_at <= ${before} then i.resolution_outcome end as resolution_outcome,
               ${cosine} as cosine,
               ${lexemeColumns(sql`i.search_vector`)},
               found.by_embedding, found.by_keywords, found.by_structured, found.by_fields
        from found join incidents i on i.id = found.id ${embeddings}`
  const rows = rowsOf(await db.execute(statement))

  const fieldScores = new Map(fields.ranked.map((h) => [h.id, h]))
  const candidates = rows.map((r): SearchCandidate => {
    const incident: PastIncident = {
      id: String(r.id),
      number: num(r.number),
      title: String(r.title),
      service: (r.service as string | null) ?? null,
      resourceType: (r.resource_type as string | null) ?? null,
      policyName: (r.policy_name as string | null) ?? null,
      errorSignature: (r.error_signature as string | null) ?? null,
      startedAt: date(r.started_at),
      resolvedAt: r.resolved_at ? date(r.resolved_at) : null,
      rootCause: (r.root_cause as string | null) ?? null,
      resolution: (r.resolution as string | null) ?? null,
      resolutionOutcome: (r.resolution_outcome as PastIncident['resolutionOutcome']) ?? null,
      playbookId: (r.playbook_id as string | null) ?? null,
    }
    return {
      incident,
      cosine: r.cosine === null || r.cosine === undefined ? null : num(r.cosine),
      ...keywords.score(String(r.lexemes), String(r.title_lexemes), num(r.lexeme_count)),
      sameService: Boolean(query.service && incident.service === query.service),
      sameResource: Boolean(query.resourceType && incident.resourceType === query.resourceType),
      samePolicy: Boolean(query.policyName && incident.policyName === query.policyName),
      sameSignature: Boolean(signature && incident.errorSignature === signature),
      fieldScore: fieldScores.get(incident.id)?.score ?? 0,
      titleTerms: fieldScores.get(incident.id)?.titleTerms ?? [],
      retrievedBy: { embedding: Boolean(r.by_embedding), keywords: Boolean(r.by_keywords), structured: Boolean(r.by_structured), fields: Boolean(r.by_fields) },
    }
  })
  return { candidates, keywords: terms.map((t) => t.term), keywordsKnown: known, errorSignature: signature }
}
