import { and, asc, eq } from 'drizzle-orm'
import type { Database } from '../database'
import { incidentEvents } from '../schema'

export type IncidentEvent = typeof incidentEvents.$inferSelect
export type NewIncidentEvent = Omit<typeof incidentEvents.$inferInsert, 'id' | 'createdAt'>

/** Records an event once: a second write with the same `dedupeKey` for the incident is a no-op (false). */
export async function recordIncidentEvent(db: Database, event: NewIncidentEvent): Promise<boolean> {
  const rows = await db.insert(incidentEvents).values(event).onConflictDoNothing().returning({ id: incidentEvents.id })
  return rows.length > 0
}

/** The incident's events, oldest first. */
export async function listIncidentEvents(db: Database, incidentId: string): Promise<IncidentEvent[]> {
  return db
    .select()
    .from(incidentEvents)
    .where(eq(incidentEvents.incidentId, incidentId))
    .orderBy(asc(incidentEvents.occurredAt), asc(incidentEvents.createdAt))
}

/** The incident's event recorded under `dedupeKey`, or null. */
export async function getIncidentEventByKey(db: Database, incidentId: string, dedupeKey: string): Promise<IncidentEvent | null> {
  const [row] = await db
    .select()
    .from(incidentEvents)
    .where(and(eq(incidentEvents.incidentId, incidentId), eq(incidentEvents.dedupeKey, dedupeKey)))
  return row ?? null
}
