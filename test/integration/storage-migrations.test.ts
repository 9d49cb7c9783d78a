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

  it('keeps the audit log append-only', async () => {
    const entry = await appendAudit(handle.db, { actor: 'U1', action: 'test.entry', subjectType: 'test', subjectId: '1', details: {} })
    expect(await rejectionOf(handle.db.execute(sql`update audit_log set actor = 'U2' where id = ${entry.id}`))).toMatch(/append-only/)
    expect(await rejectionOf(handle.db.execute(sql`delete from audit_log where id = ${entry.id}`))).toMatch(/append-only/)
    const kept = await rows<{ actor: string }>(handle, sql`select actor from audit_log where id = ${entry.id}`)
    expect(kept[0]?.actor).toBe('U1')
  })
})
