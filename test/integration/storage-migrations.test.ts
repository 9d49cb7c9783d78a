import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../src/storage/database'
import { appendAudit } from '../../src/storage/repositories/audit'
import { rejectionOf } from '../support/error-chain'
import { createPgliteDatabase, createTestDatabase } from '../support/test-database'

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

  it('enables pgvector and builds the HNSW index on incident embeddings', async () => {
    const ext = await rows<{ extname: string }>(handle, sql`select extname from pg_extension where extname = 'vector'`)
    expect(ext).toHaveLength(1)
    const idx = await rows<{ indexdef: string }>(handle, sql`select indexdef from pg_indexes where indexname = 'incidents_embedding_hnsw'`)
    expect(idx[0]?.indexdef).toContain('USING hnsw')
    expect(idx[0]?.indexdef).toContain('vector_cosine_ops')
  })

  it('leaves room on the incidents pages, so that writing the Slack thread of an incident does not enter it in every index again', async () => {
    const [options] = await rows<{ reloptions: string[] | null }>(handle, sql`select reloptions from pg_class where relname = 'incidents'`)
    expect(options?.reloptions).toContain('fillfactor=70')
    if (_name !== 'Postgres') return
    // Ten incidents written one after the other, each followed by the update that records its Slack thread, in one
    // transaction (whose own counts pg_stat_get_xact_* reads without waiting for the statistics to be flushed). With full
    // pages (fillfactor 100) several of those updates find no room and enter every index again.
    const hot = await handle.db.transaction(async (tx) => {
      const vector = `[${Array.from({ length: 768 }, (_, i) => ((i * 7) % 13) / 13 - 0.4).join(',')}]`
      // A summary that does not compress (pseudo-random words): rows of ≈ 1.5 KB, five or so to a page.
      let seed = 7
      const word = () =>
        Array.from({ length: 7 }, () => {
          seed = (seed * 48271) % 2147483647
          return String.fromCharCode(97 + (seed % 26))
        }).join('')
      const summary = Array.from({ length: 110 }, word).join(' ')
      for (let i = 0; i < 10; i++) {
        const inserted = (await tx.execute(sql`insert into incidents (fingerprint, source, title, summary, severity, started_at, embedding)
          values (${`fillfactor:${i}`}, 'generic', 'checkout latency', ${summary}, 'high', now(), ${vector}::vector) returning id`)) as unknown as
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
