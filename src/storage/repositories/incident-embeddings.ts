import { and, desc, eq, sql } from 'drizzle-orm'
import type { EmbeddingStore, IncidentToEmbed, StaleEmbeddings } from '../../core/correlation/reembed-incidents'
import type { Database } from '../database'
import { incidents } from '../schema'

/** An incident's stored embedding and the model that made it, or null when it has none. */
export async function getIncidentEmbedding(db: Database, id: string): Promise<{ vector: number[]; model: string } | null> {
  const [row] = await db.select({ vector: incidents.embedding, model: incidents.embeddingModel }).from(incidents).where(eq(incidents.id, id))
  return row?.vector && row.model ? { vector: row.vector, model: row.model } : null
}

// An embedding is stale when missing or made by another model: vector search cannot compare it.
const staleFor = (model: string) => sql`(${incidents.embedding} is null or ${incidents.embeddingModel} is distinct from ${model})`

/** How many incidents re-embedding with `model` has to do, by the model that made their current embedding. */
export async function countStaleEmbeddings(db: Database, model: string): Promise<StaleEmbeddings> {
  const current = sql<string | null>`case when ${incidents.embedding} is null then null else ${incidents.embeddingModel} end`
  const rows = await db
    .select({ model: current, count: sql<number>`count(*)::int` })
    .from(incidents)
    .where(staleFor(model))
    .groupBy(current)
    .orderBy(desc(sql`count(*)`))
  const byModel = rows.map((r) => ({ model: r.model ?? null, count: Number(r.count) }))
  return { total: byModel.reduce((s, m) => s + m.count, 0), byModel }
}

/** Incidents to re-embed with `model`, in id order after `afterId` (keyset paging: each is visited once per pass). */
export async function listStaleEmbeddings(db: Database, model: string, options: { afterId: string | null; limit: number }): Promise<IncidentToEmbed[]> {
  return db
    .select({
      id: incidents.id,
      number: incidents.number,
      title: incidents.title,
      summary: incidents.summary,
      service: incidents.service,
      resourceType: incidents.resourceType,
      policyName: incidents.policyName,
    })
    .from(incidents)
    .where(and(staleFor(model), options.afterId ? sql`${incidents.id} > ${options.afterId}::uuid` : undefined))
    .orderBy(incidents.id)
    .limit(options.limit)
}

/** Stores new embeddings with their model, all of a batch or none; the incidents' other fields are untouched. */
export async function saveEmbeddings(db: Database, model: string, rows: Array<{ id: string; vector: number[] }>): Promise<void> {
  await db.transaction(async (tx) => {
    for (const r of rows) await tx.update(incidents).set({ embedding: r.vector, embeddingModel: model }).where(eq(incidents.id, r.id))
  })
}

/** The embedding store of re-embedding, on this database. */
export function incidentEmbeddingStore(db: Database): EmbeddingStore {
  return {
    countStale: (model) => countStaleEmbeddings(db, model),
    listStale: (model, options) => listStaleEmbeddings(db, model, options),
    save: (model, rows) => saveEmbeddings(db, model, rows),
  }
}
