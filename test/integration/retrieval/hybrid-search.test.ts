import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { correlateIncident } from '../../../src/core/correlation/correlate-incident'
import { incidentEmbeddingText, type Embedder } from '../../../src/core/correlation/embedder'
import { featureTokens, HashingEmbedder } from '../../../src/core/correlation/hashing-embedder'
import { rowsOf, type DatabaseHandle } from '../../../src/storage/database'
import { createIncident, openIncidentOnce, updateIncident, type NewIncident } from '../../../src/storage/repositories/incidents'
import { searchIncidentCandidates } from '../../../src/storage/repositories/similar-incidents-search'
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from '../../support/test-database'

const NOW = new Date('2026-05-14T12:00:00Z')
const DAY = 86_400_000
const embedder = new HashingEmbedder()

class BrokenEmbedder implements Embedder {
  readonly name = 'local-hashing-v2'
  readonly dimensions = 768
  async embed(): Promise<number[][]> {
    throw new Error('connection refused')
  }
}

async function past(db: DatabaseHandle['db'], values: Partial<NewIncident> & { title: string; daysAgo: number }): Promise<string> {
  const { daysAgo, ...rest } = values
  const row: NewIncident = {
    fingerprint: `hist:${Math.random().toString(36).slice(2)}`,
    source: 'generic',
    status: 'resolved',
    severity: 'high',
    summary: '',
    startedAt: new Date(NOW.getTime() - daysAgo * DAY),
    resolvedAt: new Date(NOW.getTime() - daysAgo * DAY + 3_600_000),
    ...rest,
  }
  const [embedding] = await embedder.embed([incidentEmbeddingText({ ...row, summary: row.summary ?? '' })])
  return (await createIncident(db, { ...row, embedding: embedding!, embeddingModel: embedder.name })).id
}

const search = (db: DatabaseHandle['db']) => ({ searchCandidates: (q: Parameters<typeof searchIncidentCandidates>[1]) => searchIncidentCandidates(db, q) })
const query = { service: null, resourceType: null, policyName: null, before: NOW, limit: 10 }

describe.each([
  ['Postgres + pgvector', 'postgres'],
  ['embedded PGlite', 'pglite'],
] as const)('hybrid search on %s', (_name, kind) => {
  let t: TestDatabase | null = null
  let handle: DatabaseHandle
  let db: DatabaseHandle['db']
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    if (kind === 'postgres') {
      t = await createTestDatabase()
      handle = t.handle
    } else handle = await createPgliteDatabase()
    db = handle.db
    ids.pool = await past(db, {
      title: 'checkout-db connection pool exhausted',
      summary: 'pgbouncer refused new clients; checkout-api timeouts',
      service: 'checkout-db',
      daysAgo: 10,
      rootCause: 'connection leak',
      resolution: 'restarted pgbouncer',
      resolutionOutcome: 'worked',
      playbookId: 'db-connection',
    })
    ids.poolFailed = await past(db, {
      title: 'checkout-db connection pool exhausted',
      summary: 'pgbouncer refused new clients; checkout-api timeouts',
      service: 'checkout-db',
      daysAgo: 10,
      rootCause: 'connection leak',
      resolution: 'scaled checkout-api down',
      resolutionOutcome: 'failed',
    })
    ids.disk = await past(db, {
      title: 'logging node disk full',
      summary: 'fluentd buffer overflow',
      service: 'logging',
      daysAgo: 5,
      resolutionOutcome: 'worked',
    })
    ids.policy = await past(db, {
      title: 'p95 above threshold',
      summary: 'generic wording',
      service: 'payment-api',
      policyName: 'payment-api p95 latency > 2s',
      daysAgo: 40,
    })
    ids.signature = await past(db, {
      title: 'fraud-check calls failing',
      summary: 'Caused by: java.net.SocketTimeoutException: Read timed out',
      service: 'fraud-check',
      daysAgo: 20,
    })
    ids.future = await past(db, { title: 'checkout-db connection pool exhausted again', service: 'checkout-db', daysAgo: -1 })
    ids.lateFix = await past(db, {
      title: 'orders-db replication lag',
      service: 'orders-db',
      daysAgo: 3,
      resolution: 'promoted replica',
      resolutionOutcome: 'worked',
      resolvedAt: new Date(NOW.getTime() + DAY),
    })
  })

  afterAll(async () => {
    if (t) await t.drop()
    else await handle?.close()
  })

  it('finds the same problem first, with each signal measured and the resolution that worked', async () => {
    const result = await correlateIncident(
      { ...query, service: 'checkout-db', text: 'checkout-db\ncheckout-db pool exhausted, clients refused' },
      { embedder, search: search(db) },
    )
    const [top] = result.matches
    expect(result.mode).toBe('hybrid')
    expect(top!.incident).toMatchObject({ id: ids.pool, resolution: 'restarted pgbouncer', resolutionOutcome: 'worked' })
    expect(top!.signals.embedding).toBeGreaterThan(0.4)
    expect(top!.signals.keywords).toBeGreaterThan(0.5)
    expect(top!.signals.matchedTerms).toEqual(expect.arrayContaining(['exhaust', 'pool']))
    expect(top!.signals.sameService).toBe(true)
    expect(top!.matchedOn).toEqual(expect.arrayContaining(['same service', '10 days earlier']))
  })

  it('ranks the incident whose fix worked above its twin whose fix failed', async () => {
    const result = await correlateIncident(
      { ...query, service: 'checkout-db', text: 'checkout-db connection pool exhausted' },
      { embedder, search: search(db) },
    )
    const order = result.matches.map((m) => m.incident.id)
    expect(order.indexOf(ids.pool!)).toBeLessThan(order.indexOf(ids.poolFailed!))
  })

  it('never returns an incident from after the query time, nor an outcome recorded after it', async () => {
    const result = await correlateIncident(
      { ...query, service: 'orders-db', text: 'checkout-db connection pool exhausted again; orders-db replication lag' },
      { embedder, search: search(db) },
    )
    const found = result.matches.map((m) => m.incident.id)
    expect(found).not.toContain(ids.future)
    const late = result.matches.find((m) => m.incident.id === ids.lateFix)
    expect(late?.incident.resolutionOutcome).toBeNull()
  })

  it('finds a match by alert policy or error signature even when the words differ', async () => {
    const byPolicy = await correlateIncident(
      { ...query, policyName: 'payment-api p95 latency > 2s', text: 'slow checkout pages' },
      { embedder, search: search(db) },
    )
    expect(byPolicy.matches.find((m) => m.incident.id === ids.policy)?.matchedOn).toContain('same alert policy')
    const bySignature = await correlateIncident(
      { ...query, text: 'orders service: upstream java.net.SocketTimeoutException' },
      { embedder, search: search(db) },
    )
    expect(bySignature.errorSignature).toBe('java.net.sockettimeoutexception')
    expect(bySignature.matches.find((m) => m.incident.id === ids.signature)?.signals.sameSignature).toBe(true)
  })

  it('falls back to keywords and structured signals when embeddings fail, and says so', async () => {
    const result = await correlateIncident(
      { ...query, service: 'checkout-db', text: 'checkout-db connection pool exhausted' },
      { embedder: new BrokenEmbedder(), search: search(db) },
    )
    expect(result.mode).toBe('lexical_structured')
    expect(result.notes[0]).toContain('embeddings unavailable')
    expect(result.matches[0]!.incident.id).toBe(ids.pool)
    expect(result.matches[0]!.signals.embedding).toBeNull()
  })

  it('does not compare embeddings of another model', async () => {
    const [vector] = await embedder.embed(['logging node disk full'])
    const found = await searchIncidentCandidates(db, {
      text: 'logging node disk full',
      embedding: vector!,
      embeddingModel: 'vertex:gemini-embedding-001@768',
      service: null,
      resourceType: null,
      policyName: null,
      before: NOW,
      perRetriever: 50,
    })
    expect(found.candidates.every((c) => c.cosine === null && !c.retrievedBy.embedding)).toBe(true)
    expect(found.candidates.map((c) => c.incident.id)).toContain(ids.disk)
  })

  it('says nothing is similar when history has nothing before the incident', async () => {
    const result = await correlateIncident(
      { ...query, before: new Date(NOW.getTime() - 400 * DAY), text: 'checkout-db connection pool exhausted' },
      { embedder, search: search(db) },
    )
    expect(result.matches).toEqual([])
  })

  it('keeps keyword document frequencies in step with inserts and edits (triggers)', async () => {
    const count = async (term: string) => {
      const result = await db.execute(sql`select documents from incident_search_terms where term = ${term}`)
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ documents: number }>
      return Number(rows[0]?.documents ?? 0)
    }
    const before = await count('zanzibar')
    const id = await past(db, { title: 'zanzibar gateway flapping', daysAgo: 1 })
    expect(await count('zanzibar')).toBe(before + 1)
    await updateIncident(db, id, { title: 'quokka gateway flapping' })
    expect(await count('zanzibar')).toBe(before)
    expect(await count('quokka')).toBe(1)
    await updateIncident(db, id, { status: 'resolved' })
    expect(await count('quokka')).toBe(1)
  })

  it('tokenizes in SQL exactly as featureTokens does, so the field terms are the tokens the eval measured', async () => {
    for (const text of [
      'java.net.SocketTimeoutException in checkoutDb after 30s: Connections refused (HTTPServer) CVE-2022-42003',
      'id 123e4567-e89b-12d3-a456-426614174000 ABCdEFgh __init__ $foo.bar- running classes queries stations settings <b>&amp;</b>',
    ]) {
      const result = await db.execute(sql`select incident_field_tokens(${text}) as tokens`)
      const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ tokens: string[] }>
      expect([...row!.tokens].sort()).toEqual(featureTokens(text).sort())
    }
  })

  it('keeps the BM25F field terms, document frequencies and field lengths right after insert, update and delete (triggers)', async () => {
    const rows = async (query: ReturnType<typeof sql>) => {
      const result = await db.execute(query)
      return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>
    }
    const frequency = async (term: string) =>
      Number((await rows(sql`select documents from incident_field_term_documents where term = ${term}`))[0]?.documents ?? 0)
    const totals = async () => {
      const [r] = await rows(sql`select documents, title_length, description_length, resolution_length from incident_field_term_totals`)
      return [r!.documents, r!.title_length, r!.description_length, r!.resolution_length].map(Number)
    }
    const fields = async (id: string) => {
      const [r] = await rows(sql`select * from incident_field_terms where incident_id = ${id}::uuid`)
      if (!r) return null
      const terms = r.terms as string[]
      const counts = Object.fromEntries(terms.map((t, i) => [t, [r.title_tf, r.description_tf, r.resolution_tf].map((xs) => Number((xs as unknown[])[i]))]))
      return { counts, lengths: [r.title_length, r.description_length, r.resolution_length].map(Number) }
    }
    const [documents, title, description, resolution] = await totals()
    // Tokens: wombat, gateway, timeout, =gatewaytimeout | wombat, wombat, stall | restart, wombat.
    const id = await past(db, { title: 'Wombat gatewayTimeout', summary: 'wombat wombat stalled', resolution: 'restarted wombat', daysAgo: 2 })
    expect(await fields(id)).toEqual({
      counts: { '=gatewaytimeout': [1, 0, 0], gateway: [1, 0, 0], restart: [0, 0, 1], stall: [0, 1, 0], timeout: [1, 0, 0], wombat: [1, 2, 1] },
      lengths: [4, 3, 2],
    })
    expect(await frequency('wombat')).toBe(1)
    expect(await totals()).toEqual([documents! + 1, title! + 4, description! + 3, resolution! + 2])

    // The start time is kept with the terms (the pool's as-of filter reads it there) and follows the incident's.
    const startedAt = async () =>
      new Date(String((await rows(sql`select started_at from incident_field_terms where incident_id = ${id}::uuid`))[0]?.started_at))
    expect((await startedAt()).getTime()).toBe(NOW.getTime() - 2 * DAY)
    await updateIncident(db, id, { startedAt: new Date(NOW.getTime() - 3 * DAY) })
    expect((await startedAt()).getTime()).toBe(NOW.getTime() - 3 * DAY)
    expect(await frequency('wombat')).toBe(1)

    await updateIncident(db, id, { summary: 'numbat', startedAt: new Date(NOW.getTime() - 4 * DAY) })
    expect((await startedAt()).getTime()).toBe(NOW.getTime() - 4 * DAY)
    expect((await fields(id))!.counts.wombat).toEqual([1, 0, 1])
    expect([await frequency('wombat'), await frequency('numbat'), await frequency('stall')]).toEqual([1, 1, 0])
    expect(await totals()).toEqual([documents! + 1, title! + 4, description! + 1, resolution! + 2])
    await updateIncident(db, id, { status: 'open' })
    expect(await totals()).toEqual([documents! + 1, title! + 4, description! + 1, resolution! + 2])

    await db.execute(sql`delete from incidents where id = ${id}::uuid`)
    expect(await fields(id)).toBeNull()
    expect([await frequency('wombat'), await frequency('numbat')]).toEqual([0, 0])
    expect(await totals()).toEqual([documents, title, description, resolution])
  })

  it('an incident opened with its field terms (tokenized in TypeScript) holds what the SQL tokenizer gives, counted once', async () => {
    const rows = async (query: ReturnType<typeof sql>) => {
      const result = await db.execute(query)
      return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>
    }
    const asMap = (r: Record<string, unknown>) => {
      const terms = r.terms as string[]
      const tf = [r.title_tf, r.description_tf, r.resolution_tf].map((xs) => (xs as unknown[]).map(Number))
      return {
        counts: Object.fromEntries(terms.map((term, i) => [term, tf.map((field) => field[i])])),
        lengths: [r.title_length, r.description_length, r.resolution_length].map(Number),
      }
    }
    const title = 'Kookaburra java.net.SocketTimeoutException in checkoutDb'
    const summary = `kookaburra "quoted" back\\slash {braces}, commas; id 123e4567-e89b-12d3-a456-426614174000 retried 30 times ${'kookaburra '.repeat(3)}`
    const before = Number((await rows(sql`select documents from incident_field_term_documents where term = 'kookaburra'`))[0]?.documents ?? 0)
    const { incident: opened } = await openIncidentOnce(db, {
      fingerprint: 'fields:kookaburra',
      source: 'slack',
      title,
      summary,
      severity: 'high',
      startedAt: NOW,
    })
    await openIncidentOnce(db, { fingerprint: 'fields:kookaburra', source: 'slack', title, summary, severity: 'high', startedAt: NOW })
    const [stored] = await rows(sql`select * from incident_field_terms where incident_id = ${opened.id}::uuid`)
    const [expected] = await rows(sql`select * from incident_field_document(${title}, ${summary}, null)`)
    expect(asMap(stored!)).toEqual(asMap(expected!))
    expect(new Date(String(stored!.started_at)).getTime()).toBe(NOW.getTime())
    expect(asMap(stored!).counts.kookaburra).toEqual([1, 4, 0])
    expect(Number((await rows(sql`select documents from incident_field_term_documents where term = 'kookaburra'`))[0]?.documents)).toBe(before + 1)
    await db.execute(sql`delete from incidents where id = ${opened.id}::uuid`)
  })

  it('ranks by BM25F too: the match has its field score, its BM25F rank and the title words it shares', async () => {
    const result = await correlateIncident({ ...query, text: 'checkout-db connection pool exhausted' }, { embedder, search: search(db) })
    const top = result.matches[0]!
    expect(top.incident.id).toBe(ids.pool)
    expect(top.signals.ranks.fields).toBe(1)
    expect(top.signals.fieldScore).toBeGreaterThan(0)
    expect(top.matchedOn.find((line) => line.startsWith('title words ('))).toMatch(/\bpool\b/)
  })

  it("scores each candidate's keywords (BM25, coverage, matched terms) exactly as the keyword pool's SQL does", async () => {
    const text = 'checkout-db connection pool exhausted, pgbouncer refused clients'
    const found = await searchIncidentCandidates(db, { ...query, text, embedding: null, embeddingModel: embedder.name, perRetriever: 30 })
    expect(found.candidates.length).toBeGreaterThan(1)
    // The same sum in SQL, over the query's keywords with their IDF from the kept statistics (as the pool scores them).
    const rows = rowsOf(
      await db.execute(sql`
      with totals as (select greatest(documents, 1)::float8 as documents, greatest(lexemes, 1)::float8 as lexemes from incident_search_totals where id = 1),
      query_terms as (
        select k.term, k.n, ln(1 + (t.documents - s.documents + 0.5) / (s.documents + 0.5)) as idf
        from unnest(${`{${found.keywords.map((k) => `"${k}"`).join(',')}}`}::text[]) with ordinality as k(term, n)
        join incident_search_terms s on s.term = k.term cross join totals t
      )
      select i.id, sum(q.idf * f.tf * (1.2::float8 + 1) / (f.tf + 1.2::float8 * (1 - 0.75::float8 + 0.75::float8 * length(i.search_vector)::float8 /
               (select lexemes / documents from totals))) order by q.n) as bm25,
             sum(q.idf) filter (where f.tf > 0) / sum(q.idf) as coverage, array_agg(q.term order by q.n) filter (where f.tf > 0) as matched
      from incidents i cross join query_terms q
      cross join lateral (select (case when not i.search_vector @@ quote_literal(q.term)::tsquery then 0
                                       when i.search_vector @@ (quote_literal(q.term) || ':AB')::tsquery then 2 else 1 end)::float8 as tf) f
      group by i.id`),
    ) as Array<{ id: string; bm25: number; coverage: number | null; matched: string[] | null }>
    const oracle = new Map(rows.map((r) => [r.id, r]))
    for (const c of found.candidates) {
      const expected = oracle.get(c.incident.id)!
      expect(c.bm25).toBe(Number(expected.bm25))
      expect(c.keywordCoverage).toBe(Number(expected.coverage ?? 0))
      expect(c.matchedTerms).toEqual(expected.matched ?? [])
    }
    expect(found.candidates.some((c) => c.bm25 > 0 && c.matchedTerms.length < found.keywords.length)).toBe(true)
  })

  it('caps a query with more known keywords than it uses to the rarest, and says so', async () => {
    const words = Array.from({ length: 80 }, (_, i) => `zq${String(i).padStart(3, '0')}x`)
    const wordy = await past(db, { title: 'many words', summary: words.join(' '), daysAgo: 60 })
    const result = await correlateIncident({ ...query, text: words.join(' ') }, { embedder, search: search(db) })
    expect(result.keywords).toHaveLength(64)
    expect(result.notes).toContain('the query has 80 keywords known to the history; only the 64 rarest were used')
    expect(result.matches[0]!.incident.id).toBe(wordy)
  })

  const storedEmbedding = async (id: string) => {
    const [r] = rowsOf(
      await db.execute(sql`select e.ctid::text as ctid, e.model, e.started_at = i.started_at as same_start, e.embedding::text as embedding
        from incident_embeddings e join incidents i on i.id = e.incident_id where e.incident_id = ${id}::uuid`),
    )
    return r ? { ctid: String(r.ctid), model: String(r.model), sameStart: Boolean(r.same_start), embedding: String(r.embedding) } : null
  }

  it("leaves an incident's embedding where it is when the incident changes status, and still finds it by its vector", async () => {
    const title = 'platypus queue consumer stalled on billing-events'
    const id = await past(db, { title, service: 'billing-events', status: 'open', resolvedAt: null, daysAgo: 5 })
    const before = await storedEmbedding(id)
    expect(before).toMatchObject({ model: embedder.name, sameStart: true })
    // A status change cannot stay on the incident's page (status is in an index predicate): with the vector in incidents,
    // it entered the HNSW graph again. In its own table the embedding's row version is the same one.
    await updateIncident(db, id, { status: 'resolved', resolvedAt: new Date(NOW.getTime() - 5 * DAY + 3_600_000) })
    await updateIncident(db, id, { status: 'open', resolvedAt: null })
    await updateIncident(db, id, { status: 'resolved', resolvedAt: new Date(NOW.getTime() - 5 * DAY + 7_200_000), resolution: 'restarted the consumer' })
    expect(await storedEmbedding(id)).toEqual(before)
    const found = await searchIncidentCandidates(db, {
      text: '',
      embedding: JSON.parse(before!.embedding) as number[],
      embeddingModel: embedder.name,
      service: null,
      resourceType: null,
      policyName: null,
      before: NOW,
      perRetriever: 5,
    })
    const hit = found.candidates.find((c) => c.incident.id === id)
    expect(hit?.retrievedBy.embedding).toBe(true)
    expect(hit?.cosine).toBeCloseTo(1, 5)
    await db.execute(sql`delete from incidents where id = ${id}::uuid`)
    expect(await storedEmbedding(id)).toBeNull()
  })

  it('writes the embedding with the incident (the default model when none is named), replaces it on update, and keeps its start time', async () => {
    const [vector] = await embedder.embed(['echidna cache stampede'])
    const values = { fingerprint: 'embedding:echidna', source: 'slack', title: 'echidna cache stampede', severity: 'high' as const, startedAt: NOW }
    const { incident: opened, embeddingModel } = await openIncidentOnce(db, { ...values, embedding: vector! })
    expect(embeddingModel).toBe('local-hashing-v2')
    // Opened again (a retried job) with another model's vector: the one stored stays, and the read-back says which it is.
    const again = await openIncidentOnce(db, { ...values, embedding: vector!, embeddingModel: 'vertex:gemini-embedding-001@768' })
    expect(again).toMatchObject({ incident: { id: opened.id }, embeddingModel: 'local-hashing-v2' })
    const first = await storedEmbedding(opened.id)
    expect(first).toMatchObject({ model: 'local-hashing-v2', sameStart: true })
    await updateIncident(db, opened.id, { startedAt: new Date(NOW.getTime() - DAY) })
    expect(await storedEmbedding(opened.id)).toMatchObject({ model: 'local-hashing-v2', sameStart: true, embedding: first!.embedding })
    const [other] = await embedder.embed(['echidna thundering herd on the pricing cache'])
    await updateIncident(db, opened.id, { embedding: other!, embeddingModel: 'vertex:gemini-embedding-001@768' })
    const replaced = await storedEmbedding(opened.id)
    expect(replaced).toMatchObject({ model: 'vertex:gemini-embedding-001@768', sameStart: true })
    expect(replaced!.embedding).not.toBe(first!.embedding)
    await updateIncident(db, opened.id, { embedding: null })
    expect(await storedEmbedding(opened.id)).toBeNull()
    await db.execute(sql`delete from incidents where id = ${opened.id}::uuid`)
  })
})
