import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import type { EmbeddingStore, IncidentToEmbed, StaleEmbeddings } from '../../core/correlation/reembed-incidents'
import type { Database } from '../database'
import { incidentEmbeddings, incidents } from '../schema'

/** An incident's stored embedding and the model that made it, or null when it has none. */
export async function getIncidentEmbedding(db: Database, id: string): Promise<{ vector: number[]; model: string } | null> {
  const [row] = await db
    .select({ vector: incidentEmbeddings.embedding, model: incidentEmbeddings.model })
    .from(incidentEmbeddings)
    .where(eq(incidentEmbeddings.incidentId, id))
  return row ?? null
}

/** Stores incidents' embeddings, replacing those they have; `startedAt` is the incident's (the search filters on it). */
export async function upsertIncidentEmbeddings(
  db: Database,
  rows: Array<{ incidentId: string; startedAt: Date; model: string; vector: number[] }>,
): Promise<void> {
  await db
    .insert(incidentEmbeddings)
    .values(rows.map((r) => ({ incidentId: r.incidentId, model: r.model, startedAt: r.startedAt, embedding: r.vector })))
    .onConflictDoUpdate({
      target: incidentEmbeddings.incidentId,
      set: { model: sql`excluded.model`, startedAt: sql`excluded.started_at`, embedding: sql`excluded.embedding` },
    })
}

/** Removes incidents' stored embeddings (incidents written again without one). */
export async function deleteIncidentEmbeddings(db: Database, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.delete(incidentEmbeddings).where(inArray(incidentEmbeddings.incidentId, ids))
}

// An embedding is stale when missing or made by another model: vector search cannot compare it.
const staleFor = (model: string) => or(isNull(incidentEmbeddings.incidentId), sql`${incidentEmbeddings.model} is distinct from ${model}`)

/** How many incidents re-embedding with `model` has to do, by the model that made their current embedding. */
export async function countStaleEmbeddings(db: Database, model: string): Promise<StaleEmbeddings> {
  const current = sql<string | null>`${incidentEmbeddings.model}`
  const rows = await db
    .select({ model: current, count: sql<number>`count(*)::int` })
    .from(incidents)
    .leftJoin(incidentEmbeddings, eq(incidentEmbeddings.incidentId, incidents.id))
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
    .leftJoin(incidentEmbeddings, eq(incidentEmbeddings.incidentId, incidents.id))
    .where(and(staleFor(model), options.afterId ? sql`${incidents.id} > ${options.afterId}::uuid` : undefined))
    .orderBy(incidents.id)
    .limit(options.limit)
}

/**
 * Stores new embeddings with their model, all of a batch or none (one statement); the incidents are untouched.
 * An incident deleted since it was listed is skipped.
 */
export async function saveEmbeddings(db: Database, model: string, rows: Array<{ id: string; vector: number[] }>): Promise<void> {
  if (rows.length === 0) return
  const given = JSON.stringify(rows.map((r) => ({ id: r.id, embedding: `[${r.vector.join(',')}]` })))
  await db.execute(sql`insert into incident_embeddings (incident_id, model, started_at, embedding)
    select i.id, ${model}, i.started_at, r.embedding::vector
    from jsonb_to_recordset(${given}::jsonb) as r(id uuid, embedding text) join incidents i on i.id = r.id
    order by i.id
    on conflict (incident_id) do update set model = excluded.model, started_at = excluded.started_at, embedding = excluded.embedding`)
}

/** The embedding store of re-embedding, on this database. */
export function incidentEmbeddingStore(db: Database): EmbeddingStore {
  return {
    countStale: (model) => countStaleEmbeddings(db, model),
    listStale: (model, options) => listStaleEmbeddings(db, model, options),
    save: (model, rows) => saveEmbeddings(db, model, rows),
  }
}
