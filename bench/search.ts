/**
 * Hybrid similar-incident search at scale, on real Postgres + pgvector.
 *
 * Creates a fresh database, applies the migrations, and loads N synthetic incidents
 * (default 100,000: the fleet's incident scenarios spread over 60 services, each with a
 * distinct detail line, embedded by the local 768-d hashing embedder) through the normal
 * insert path, with the HNSW, GIN and btree indexes and the term-statistics triggers all
 * live: that gives the ingestion rate. Then, for Q queries (default 500; 80 % over the
 * whole history, 20 % as of a random past time), it measures the full correlation path
 * (embed + keyword statistics + the hybrid SQL + fusion) p50/p95/p99, and the recall@10
 * of the HNSW arm against an exact scan with the same filters, ids and ANN-benchmarks
 * style (a result counts when its distance is within the true 10th distance: ties), and the recall@10
 * of the BM25F arm's pooled ranking against scoring every incident that holds a query term.
 * Drops the database at the end unless --keep.
 *
 * Run: npm run bench:search -- [--count 100000] [--queries 500] [--recall-queries 200] [--warmup 300] [--keep] [--database <kept database>]
 * --warmup: queries run first and not measured (other queries than the measured ones), so that the pool's connections are warm.
 * --database measures a database kept by an earlier run (--keep) instead of loading a new one: the
 * migrations still run first (a new one's backfill included), so a change is measured on the same history.
 * (DATABASE_URL overrides postgres://postgres@127.0.0.1:5432/test; a database is created next to it.)
 */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { DAY_MS } from '../src/core/durations'
import { generatePastIncidents, type SeedIncident } from '../src/storage/seed/synthetic-past-incidents'
import { resolvedIncidentRow } from '../src/storage/seed/seed-past-incidents'
import { correlateIncident } from '../src/core/correlation/correlate-incident'
import { incidentEmbeddingText } from '../src/core/correlation/embedder'
import { HashingEmbedder } from '../src/core/correlation/hashing-embedder'
import { SeededRandom } from '../src/integrations/telemetry/synthetic'
import { migrateDatabase, openDatabase, type Database, postgresTarget, SEARCH_SESSION_SETTINGS } from '../src/storage/database'
import { insertIncidents, type NewIncident } from '../src/storage/repositories/incidents'
import { FIELD_POOL, searchFieldTerms } from '../src/storage/repositories/bm25f-search'
import { searchIncidentCandidates } from '../src/storage/repositories/similar-incidents-search'

const P95_GOAL_MS = 25
const RECALL_GOAL = 0.95

const { values: flags } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '500' },
    'recall-queries': { type: 'string', default: '200' },
    'bm25f-recall-queries': { type: 'string', default: '20' },
    warmup: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
})
const COUNT = Number(flags.count)
const QUERIES = Number(flags.queries)
const RECALL_QUERIES = Number(flags['recall-queries'])
const BM25F_RECALL_QUERIES = Number(flags['bm25f-recall-queries'])
const WARMUP = Number(flags.warmup)
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const NOW = new Date('2026-05-14T12:00:00Z')

const PREFIXES = [
  'checkout',
  'payment',
  'orders',
  'inventory',
  'search',
  'auth',
  'profile',
  'cart',
  'shipping',
  'billing',
  'ledger',
  'fraud',
  'catalog',
  'pricing',
  'notify',
]
const SUFFIXES = ['api', 'db', 'worker', 'gateway']
const REGIONS = ['europe-west1', 'europe-west4', 'us-central1', 'us-east1', 'asia-northeast1', 'asia-southeast1', 'australia-southeast1', 'southamerica-east1']
const COMPONENTS = [
  'ingress',
  'sidecar',
  'pgbouncer',
  'redis',
  'kafka consumer',
  'cron job',
  'feature flag',
  'TLS proxy',
  'DNS resolver',
  'node pool',
  'autoscaler',
  'service mesh',
  'load balancer',
  'config map',
  'secret rotation',
  'schema migration',
  'batch export',
  'cache warmer',
  'rate limiter',
  'circuit breaker',
]
const SYMPTOMS = [
  'after the deploy',
  'during the nightly batch',
  'at peak traffic',
  'after a config push',
  'on one zone only',
  'after the node upgrade',
  'while the cache was cold',
  'after a certificate rotation',
  'during a failover drill',
  'behind a slow dependency',
]

/** The fleet's scenarios, moved onto 60 services, each incident given its own detail line. */
function syntheticIncidents(count: number, seed: number): SeedIncident[] {
  const random = new SeededRandom(seed, 0xbe7c)
  return generatePastIncidents({ seed, count, now: NOW }).map((p) => {
    const service = `${random.pick(PREFIXES)}-${random.pick(SUFFIXES)}`
    const rename = (text: string) => text.split(p.service).join(service)
    const pod = `${service}-${randomBytes(4).toString('hex')}-${random.int(10000, 99999).toString(36)}`
    const detail = `Seen on ${pod} in ${random.pick(REGIONS)}: ${random.pick(COMPONENTS)} ${random.pick(SYMPTOMS)}, ${random.int(2, 900)} errors over ${random.int(1, 59)} min.`
    return { ...p, title: rename(p.title), summary: `${rename(p.summary)} ${detail}`, service, policyName: rename(p.policyName) }
  })
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(result) ? result : (result as { rows: Array<Record<string, unknown>> }).rows) as Array<Record<string, unknown>>
}

/** Top-10 ids and distances of the vector arm's query, through HNSW (as production runs it) or an exact scan. */
async function nearest(db: Database, vector: number[], before: Date, exact: boolean): Promise<Array<{ id: string; distance: number }>> {
  return db.transaction(async (tx) => {
    if (exact) {
      await tx.execute(sql.raw('set local enable_indexscan = off'))
      await tx.execute(sql.raw('set local enable_bitmapscan = off'))
    } else {
      await tx.execute(sql.raw(`set local hnsw.ef_search = ${SEARCH_SESSION_SETTINGS['hnsw.ef_search']}`))
      await tx.execute(sql.raw('set local hnsw.iterative_scan = relaxed_order'))
    }
    const literal = `[${vector.join(',')}]`
    const rows = rowsOf(
      await tx.execute(sql`select incident_id, embedding <=> ${literal}::vector as distance from incident_embeddings
        where model = 'local-hashing-v2' and started_at < ${before.toISOString()}::timestamptz
        order by embedding <=> ${literal}::vector limit 10`),
    )
    return rows.map((r) => ({ id: String(r.incident_id), distance: Number(r.distance) })).sort((a, b) => a.distance - b.distance)
  })
}

/** Embeds and inserts COUNT synthetic incidents through the normal insert path, and says how fast. */
async function loadHistory(db: Database, embedder: HashingEmbedder, out: (line?: string) => void): Promise<void> {
  const history = syntheticIncidents(COUNT, 42)
  let started = Date.now()
  const rows: NewIncident[] = []
  for (const [i, p] of history.entries()) {
    const [embedding] = await embedder.embed([incidentEmbeddingText(p)])
    rows.push({ ...resolvedIncidentRow(p, `bench:${i}`, embedding!), embeddingModel: embedder.name })
  }
  const embedSeconds = (Date.now() - started) / 1000
  out(`embedding: ${(COUNT / embedSeconds).toFixed(0)} incidents/s (${embedSeconds.toFixed(1)} s, local hashing embedder, one core)`)

  started = Date.now()
  let lastReport = started
  for (let i = 0; i < rows.length; i += 5000) {
    await insertIncidents(db, rows.slice(i, i + 5000), 500)
    if (Date.now() - lastReport > 30_000) {
      out(`  … ${Math.min(i + 5000, rows.length).toLocaleString('en-US')} loaded, ${((i + 5000) / ((Date.now() - started) / 1000)).toFixed(0)} incidents/s`)
      lastReport = Date.now()
    }
  }
  const ingestSeconds = (Date.now() - started) / 1000
  out(
    `ingestion: ${(COUNT / ingestSeconds).toFixed(0)} incidents/s (${ingestSeconds.toFixed(1)} s; batches of 500 with HNSW, GIN, btree indexes and term-statistics triggers live)`,
  )
}

async function main(): Promise<void> {
  const reused = flags.database
  if (reused !== undefined && !/^[a-z0-9_]+$/.test(reused)) throw new Error(`--database: not a database name: ${reused}`)
  const name = reused ?? `sre_bench_search_${randomBytes(4).toString('hex')}`
  const admin = postgres(...postgresTarget(BASE_URL, { max: 1, onnotice: () => {} }))
  if (!reused) await admin.unsafe(`create database ${name}`)
  const url = new URL(BASE_URL)
  url.pathname = `/${name}`
  const handle = await openDatabase(url.toString(), { poolSize: 4 })
  const out = (line = '') => process.stdout.write(`${line}\n`)
  try {
    const started = Date.now()
    await migrateDatabase(handle)
    const db = handle.db
    const embedder = new HashingEmbedder()
    if (reused) {
      const [counted] = rowsOf(await db.execute(sql`select count(*)::int as n from incidents`))
      out(
        `bench:search — kept database ${name}: ${Number(counted!.n).toLocaleString('en-US')} incidents, migrated in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      )
    } else {
      out(`bench:search — ${COUNT.toLocaleString('en-US')} incidents, ${embedder.dimensions}-d ${embedder.name}, Postgres ${name}`)
      await loadHistory(db, embedder, out)
    }

    // What autovacuum does in steady state: flushes the GIN pending lists, refreshes statistics.
    await db.execute(sql.raw('vacuum analyze incidents'))
    await db.execute(sql.raw('vacuum analyze incident_field_terms'))
    await db.execute(sql.raw('vacuum analyze incident_embeddings'))

    const random = new SeededRandom(7, 0x9e11)
    const queries = syntheticIncidents(Math.max(QUERIES, RECALL_QUERIES), 4242).map((q) => ({
      ...q,
      before: random.chance(0.8) ? NOW : new Date(NOW.getTime() - random.int(1, 170) * DAY_MS),
    }))
    const search = { searchCandidates: (q: Parameters<typeof searchIncidentCandidates>[1]) => searchIncidentCandidates(db, q) }
    // Not measured, and other queries than the measured ones: a running service's connections are not new. A new Postgres
    // backend takes a page fault the first time it touches each 4 KB page of the shared buffers (no huge pages here), and
    // one HNSW search touches ≈ 1,000 buffers: until each of the pool's connections has touched most of the buffer pool,
    // a search pays 10–50 ms of such faults (the same search run again in the same backend: 1–2 ms).
    const warmups = syntheticIncidents(WARMUP, 977).map((q) => ({ ...q, before: NOW }))
    const warmStarted = performance.now()
    for (const q of warmups) {
      await correlateIncident(
        { text: incidentEmbeddingText(q), service: q.service, resourceType: q.resourceType, policyName: q.policyName, before: q.before, limit: 5 },
        { embedder, search },
      )
    }
    if (WARMUP > 0) out(`warm-up: ${WARMUP} other queries in ${((performance.now() - warmStarted) / 1000).toFixed(1)} s (not measured)`)
    const latencies: number[] = []
    const nowLatencies: number[] = []
    const asOfLatencies: number[] = []
    let found = 0
    for (const q of queries.slice(0, QUERIES)) {
      const t0 = performance.now()
      const result = await correlateIncident(
        { text: incidentEmbeddingText(q), service: q.service, resourceType: q.resourceType, policyName: q.policyName, before: q.before, limit: 5 },
        { embedder, search },
      )
      const ms = performance.now() - t0
      latencies.push(ms)
      if (q.before.getTime() === NOW.getTime()) nowLatencies.push(ms)
      else asOfLatencies.push(ms)
      if (result.matches.length > 0) found++
    }
    const summary = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b)
      return `p50 ${percentile(sorted, 0.5).toFixed(1)} ms   p95 ${percentile(sorted, 0.95).toFixed(1)} ms   p99 ${percentile(sorted, 0.99).toFixed(1)} ms   max ${sorted.at(-1)!.toFixed(1)} ms`
    }
    latencies.sort((a, b) => a - b)
    const p95 = percentile(latencies, 0.95)
    out(
      `hybrid search (embed + keyword statistics + HNSW/BM25/structured SQL + fusion, one client, ${QUERIES} queries, ${((found / QUERIES) * 100).toFixed(0)}% with matches):`,
    )
    out(`  all        ${summary(latencies)}`)
    out(`  as of now  ${summary(nowLatencies)}`)
    out(`  as of past ${summary(asOfLatencies)}   (${asOfLatencies.length} queries searching only the history before a past time)`)

    let idHits = 0
    let distanceHits = 0
    let total = 0
    for (const q of queries.slice(0, RECALL_QUERIES)) {
      const [vector] = await embedder.embed([incidentEmbeddingText(q)])
      const [approximate, exact] = [await nearest(db, vector!, q.before, false), await nearest(db, vector!, q.before, true)]
      const exactIds = new Set(exact.map((r) => r.id))
      const tenth = exact.at(-1)?.distance ?? Infinity
      idHits += approximate.filter((r) => exactIds.has(r.id)).length
      distanceHits += approximate.filter((r) => r.distance <= tenth + 1e-6).length
      total += exact.length
    }
    const recallIds = idHits / total
    const recallDistance = distanceHits / total
    out(
      `HNSW recall@10 vs exact (ef_search ${SEARCH_SESSION_SETTINGS['hnsw.ef_search']}, iterative scan, same as-of filter, ${RECALL_QUERIES} queries): ${recallDistance.toFixed(3)} by distance (ties count), ${recallIds.toFixed(3)} by id`,
    )

    // BM25F scores a pool (the incidents holding the query's rarest terms); the exact ranking scores every incident holding any term.
    let fieldHits = 0
    let fieldTotal = 0
    for (const q of queries.slice(0, BM25F_RECALL_QUERIES)) {
      const text = incidentEmbeddingText(q)
      const [pooled, exact] = [await searchFieldTerms(db, text, { before: q.before }), await searchFieldTerms(db, text, { before: q.before, pool: Infinity })]
      const exactTop = exact.ranked.slice(0, 10)
      const tenth = exactTop.at(-1)?.score ?? 0
      fieldHits += pooled.ranked.slice(0, 10).filter((r) => r.score >= tenth - 1e-9).length
      fieldTotal += exactTop.length
    }
    if (BM25F_RECALL_QUERIES > 0) {
      const fieldRecall = fieldTotal === 0 ? 1 : fieldHits / fieldTotal
      out(
        `BM25F recall@10 of the pooled ranking (pool ${FIELD_POOL}) vs scoring every incident holding a query term (${BM25F_RECALL_QUERIES} queries): ${fieldRecall.toFixed(3)} (ties count)`,
      )
    }
    out()
    out(
      `goal p95 < ${P95_GOAL_MS} ms: ${p95 < P95_GOAL_MS ? 'met' : 'NOT met'} (${p95.toFixed(1)} ms); goal recall@10 ≥ ${RECALL_GOAL}: ${recallDistance >= RECALL_GOAL ? 'met' : 'NOT met'} (${recallDistance.toFixed(3)})`,
    )
  } finally {
    await handle.close()
    if (flags.keep || reused) out(`kept database ${name}`)
    else await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end({ timeout: 2 })
  }
}

await main()
