import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../src/storage/database'
import { appendAudit } from '../../src/storage/repositories/audit'
import { rejectionOf } from '../support/error-chain'
import { createPgliteDatabase, createTestDatabase, migrationsUpTo } from '../support/test-database'
import { migrateDatabase } from '../../src/storage/database'

async function rows<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await handle.db.execute(query)) as unknown as { rows?: T[] } & T[]
  return result.rows ?? result
}

describe.each([
  [
    'Postgres',
    async () => {
      const t = await createTestDatabase()
      return { handle: t.handle, done: () => t.drop() }
    },
  ],
  [
    'PGlite (embedded)',
    async () => {
      const h = await createPgliteDatabase()
      return { handle: h, done: () => h.close() }
    },
  ],
])('migrations on %s', (_name, open) => {
  let handle: DatabaseHandle
  let done: () => Promise<void>
  beforeAll(async () => {
    ;({ handle, done } = await open())
  })
  afterAll(async () => done())

  it('enables pgvector and builds the HNSW index on incident embeddings, in their own table', async () => {
    const ext = await rows<{ extname: string }>(handle, sql`select extname from pg_extension where extname = 'vector'`)
    expect(ext).toHaveLength(1)
    const idx = await rows<{ indexdef: string }>(handle, sql`select indexdef from pg_indexes where indexname = 'incident_embeddings_hnsw'`)
    expect(idx[0]?.indexdef).toContain('ON public.incident_embeddings USING hnsw')
    expect(idx[0]?.indexdef).toContain('vector_cosine_ops')
    // incidents has no vector left: its updates never touch the graph.
    expect(await rows(handle, sql`select 1 from pg_indexes where indexname = 'incidents_embedding_hnsw'`)).toHaveLength(0)
    const columns = await rows<{ column_name: string }>(
      handle,
      sql`select column_name from information_schema.columns where table_name = 'incidents' and column_name like 'embedding%'`,
    )
    expect(columns).toEqual([])
  })

  it('leaves room on the incidents pages, so that writing the Slack thread of an incident does not enter it in every index again', async () => {
    const [options] = await rows<{ reloptions: string[] | null }>(handle, sql`select reloptions from pg_class where relname = 'incidents'`)
    expect(options?.reloptions).toContain('fillfactor=70')
    if (_name !== 'Postgres') return
    // Ten incidents written one after the other, each followed by the update that records its Slack thread, in one
    // transaction (whose own counts pg_stat_get_xact_* reads without waiting for the statistics to be flushed). With full
    // pages (fillfactor 100) several of those updates find no room and enter every index again.
    const hot = await handle.db.transaction(async (tx) => {
      // A summary that does not compress (pseudo-random words): rows of ≈ 1.5 KB, five or so to a page.
      let seed = 7
      const word = () =>
        Array.from({ length: 7 }, () => {
          seed = (seed * 48271) % 2147483647
          return String.fromCharCode(97 + (seed % 26))
        }).join('')
      const summary = Array.from({ length: 110 }, word).join(' ')
      for (let i = 0; i < 10; i++) {
        const inserted = (await tx.execute(sql`insert into incidents (fingerprint, source, title, summary, severity, started_at)
          values (${`fillfactor:${i}`}, 'generic', 'checkout latency', ${summary}, 'high', now()) returning id`)) as unknown as
          | { rows: Array<{ id: string }> }
          | Array<{ id: string }>
        const [row] = Array.isArray(inserted) ? inserted : inserted.rows
        await tx.execute(sql`update incidents set slack_channel = 'C1', slack_ts = ${`${i}.0`}, updated_at = now() where id = ${row!.id}::uuid`)
      }
      const [counted] = (await tx.execute(sql`select pg_stat_get_xact_tuples_hot_updated('incidents'::regclass)::int as hot`)) as unknown as Array<{
        hot: number
      }>
      return counted!.hot
    })
    expect(hot).toBe(10)
  })

  it('keeps the audit log append-only', async () => {
    const entry = await appendAudit(handle.db, { actor: 'U1', action: 'test.entry', subjectType: 'test', subjectId: '1', details: {} })
    expect(await rejectionOf(handle.db.execute(sql`update audit_log set actor = 'U2' where id = ${entry.id}`))).toMatch(/append-only/)
    expect(await rejectionOf(handle.db.execute(sql`delete from audit_log where id = ${entry.id}`))).toMatch(/append-only/)
    const kept = await rows<{ actor: string }>(handle, sql`select actor from audit_log where id = ${entry.id}`)
    expect(kept[0]?.actor).toBe('U1')
  })
})

describe.each([
  [
    'Postgres',
    async (folder: string) => {
      const t = await createTestDatabase({ migrationsFolder: folder })
      return { handle: t.handle, done: () => t.drop() }
    },
  ],
  [
    'PGlite (embedded)',
    async (folder: string) => {
      const h = await createPgliteDatabase({ migrationsFolder: folder })
      return { handle: h, done: () => h.close() }
    },
  ],
])('migration 0025 (incident embeddings in their own table) on %s', (_name, open) => {
  let handle: DatabaseHandle
  let done: () => Promise<void>
  const vector = (seed: number) => `[${Array.from({ length: 768 }, (_, i) => (((i + seed) * 7) % 13) / 13 - 0.4).join(',')}]`
  const started = (day: number) => new Date(Date.UTC(2026, 0, day, 10)).toISOString()
  beforeAll(async () => {
    const upTo24 = await migrationsUpTo(24)
    try {
      ;({ handle, done } = await open(upTo24.folder))
    } finally {
      await upTo24.remove()
    }
    // Incidents as migration 0024 stored them: a vector of a named model, one stored without naming one, none.
    await handle.db.execute(sql`insert into incidents (fingerprint, source, title, severity, started_at, embedding, embedding_model) values
      ('m:vertex', 'generic', 'disk full on logging node', 'high', ${started(1)}::timestamptz, ${vector(1)}::vector, 'vertex:gemini-embedding-001@768'),
      ('m:unnamed', 'generic', 'checkout latency', 'high', ${started(2)}::timestamptz, ${vector(2)}::vector, null),
      ('m:none', 'generic', 'dns resolution failures', 'high', ${started(3)}::timestamptz, null, 'local-hashing-v2')`)
    await migrateDatabase(handle)
  })
  afterAll(async () => done())

  const embeddings = () =>
    rows<{ fingerprint: string; model: string; same_start: boolean; embedding: string }>(
      handle,
      sql`select i.fingerprint, e.model, e.started_at = i.started_at as same_start, e.embedding::text as embedding
        from incident_embeddings e join incidents i on i.id = e.incident_id order by i.fingerprint`,
    )

  it("moves every stored embedding, with its model (the default one when none was named) and its incident's start", async () => {
    const moved = await embeddings()
    expect(moved.map((e) => [e.fingerprint, e.model, e.same_start])).toEqual([
      ['m:unnamed', 'local-hashing-v2', true],
      ['m:vertex', 'vertex:gemini-embedding-001@768', true],
    ])
    const [expected] = await rows<{ a: string; b: string }>(handle, sql`select ${vector(2)}::vector::text as a, ${vector(1)}::vector::text as b`)
    expect(moved.map((e) => e.embedding)).toEqual([expected!.a, expected!.b])
  })

  it('leaves the new table with planner statistics, so the first searches walk the HNSW index rather than sort every vector', async () => {
    // Column statistics: without them the planner guesses the selectivity of the model and time filters (0.6 s a search
    // at 100,000 incidents, sorting every vector, until autovacuum analysed the table).
    const [stats] = await rows<{ columns: number }>(
      handle,
      sql`select count(*)::int as columns from pg_stats where tablename = 'incident_embeddings' and attname in ('model', 'started_at')`,
    )
    expect(Number(stats!.columns)).toBe(2)
  })

  it("keeps an embedding's start time equal to its incident's when that changes, and leaves it alone otherwise", async () => {
    await handle.db.execute(sql`update incidents set started_at = ${started(9)}::timestamptz where fingerprint = 'm:vertex'`)
    await handle.db.execute(sql`update incidents set status = 'resolved', resolved_at = now() where fingerprint = 'm:unnamed'`)
    const [moved] = await rows<{ started_at: Date | string }>(
      handle,
      sql`select e.started_at from incident_embeddings e join incidents i on i.id = e.incident_id where i.fingerprint = 'm:vertex'`,
    )
    expect(new Date(moved!.started_at).toISOString()).toBe(started(9))
    expect((await embeddings()).every((e) => e.same_start)).toBe(true)
    // Deleted with its incident.
    await handle.db.execute(sql`delete from incidents where fingerprint = 'm:vertex'`)
    expect((await embeddings()).map((e) => e.fingerprint)).toEqual(['m:unnamed'])
  })
})
