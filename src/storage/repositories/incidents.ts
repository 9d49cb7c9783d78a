import { and, cosineDistance, desc, eq, getTableColumns, isNotNull, lt, ne, sql } from 'drizzle-orm'
import type { NormalizedAlert } from '../../core/incidents/types'
import { CodedError } from '../../core/errors'
import type { Database } from '../database'
import { alerts, incidents } from '../schema'

export type Incident = Omit<typeof incidents.$inferSelect, 'embedding'>
export type NewIncident = typeof incidents.$inferInsert

// Every column but the 768-float embedding: it is only needed inside the similarity query.
const { embedding: _embedding, ...incidentColumns } = getTableColumns(incidents)

export interface AlertIngestResult {
  incident: Incident | null
  /** opened: a new incident; updated: a repeat of an open one; resolved: closed by this alert; orphan: a resolve with nothing open. */
  outcome: 'opened' | 'updated' | 'resolved' | 'orphan'
}

/**
 * Records one alert: opens an incident, counts a repeat on the open one, or resolves it.
 * The partial unique index on open fingerprints makes this safe across bot replicas.
 */
export async function recordAlert(db: Database, alert: NormalizedAlert, payload: unknown): Promise<AlertIngestResult> {
  return db.transaction(async (tx) => {
    if (alert.status === 'resolved') {
      const [resolved] = await tx
        .update(incidents)
        .set({ status: 'resolved', resolvedAt: alert.endedAt ?? new Date(), updatedAt: new Date() })
        .where(and(eq(incidents.fingerprint, alert.fingerprint), eq(incidents.status, 'open')))
        .returning(incidentColumns)
      await tx.insert(alerts).values({ incidentId: resolved?.id ?? null, source: alert.source, fingerprint: alert.fingerprint, status: alert.status, payload })
      return { incident: resolved ?? null, outcome: resolved ? 'resolved' : 'orphan' }
    }
    const [row] = await tx
      .insert(incidents)
      .values({
        fingerprint: alert.fingerprint,
        source: alert.source,
        title: alert.title,
        summary: alert.summary,
        service: alert.service,
        resourceType: alert.resourceType,
        policyName: alert.policyName,
        severity: alert.severity,
        labels: alert.labels,
        url: alert.url,
        startedAt: alert.startedAt,
      })
      .onConflictDoUpdate({
        target: incidents.fingerprint,
        targetWhere: sql`status = 'open'`,
        set: { alertCount: sql`${incidents.alertCount} + 1`, updatedAt: new Date() },
      })
      .returning({ id: incidents.id, inserted: sql<boolean>`(xmax = 0)` })
    if (!row) throw new CodedError('incident_upsert_failed', `no row returned for fingerprint ${alert.fingerprint}`)
    await tx.insert(alerts).values({ incidentId: row.id, source: alert.source, fingerprint: alert.fingerprint, status: alert.status, payload })
    const [incident] = await tx.select(incidentColumns).from(incidents).where(eq(incidents.id, row.id))
    return { incident: incident ?? null, outcome: row.inserted ? 'opened' : 'updated' }
  })
}

/**
 * Opens an incident under `fingerprint` unless one is already open under it, and
 * returns the open one either way: a retried job finds the incident it created.
 */
export async function openIncidentOnce(db: Database, values: NewIncident): Promise<Incident> {
  await db.insert(incidents).values(values).onConflictDoNothing({ target: incidents.fingerprint, where: sql`status = 'open'` })
  const [row] = await db.select(incidentColumns).from(incidents).where(and(eq(incidents.fingerprint, values.fingerprint), eq(incidents.status, 'open')))
  if (!row) throw new CodedError('incident_create_failed', `no open incident under ${values.fingerprint}`)
  return row
}

export async function createIncident(db: Database, values: NewIncident): Promise<Incident> {
  const [row] = await db.insert(incidents).values(values).returning(incidentColumns)
  if (!row) throw new CodedError('incident_create_failed', 'insert returned no row')
  return row
}

export async function getIncident(db: Database, id: string): Promise<Incident | null> {
  const [row] = await db.select(incidentColumns).from(incidents).where(eq(incidents.id, id))
  return row ?? null
}

export async function getIncidentOrThrow(db: Database, id: string): Promise<Incident> {
  const row = await getIncident(db, id)
  if (!row) throw new CodedError('incident_not_found', `incident ${id} does not exist`)
  return row
}

export async function getIncidentByNumber(db: Database, number: number): Promise<Incident | null> {
  const [row] = await db.select(incidentColumns).from(incidents).where(eq(incidents.number, number))
  return row ?? null
}

export async function updateIncident(db: Database, id: string, values: Partial<NewIncident>): Promise<Incident> {
  const [row] = await db.update(incidents).set({ ...values, updatedAt: new Date() }).where(eq(incidents.id, id)).returning(incidentColumns)
  if (!row) throw new CodedError('incident_not_found', `incident ${id} does not exist`)
  return row
}

export async function listOpenIncidents(db: Database, limit = 20): Promise<Incident[]> {
  return db.select(incidentColumns).from(incidents).where(eq(incidents.status, 'open')).orderBy(desc(incidents.startedAt)).limit(limit)
}

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
  const distance = cosineDistance(incidents.embedding, embedding)
  const rows = await db
    .select({ incident: incidentColumns, distance: sql<number>`${distance}` })
    .from(incidents)
    .where(
      and(
        isNotNull(incidents.embedding),
        lt(incidents.startedAt, options.before),
        options.excludeId ? ne(incidents.id, options.excludeId) : undefined,
      ),
    )
    .orderBy(distance)
    .limit(options.limit ?? 5)
  return rows.map((r) => ({ incident: r.incident, similarity: 1 - Number(r.distance) }))
}

/** Services named by any incident so far: a catalogue learnt from history. */
export async function listKnownServices(db: Database): Promise<string[]> {
  const rows = await db.selectDistinct({ service: incidents.service }).from(incidents).where(isNotNull(incidents.service))
  return rows.map((r) => r.service!).sort()
}
