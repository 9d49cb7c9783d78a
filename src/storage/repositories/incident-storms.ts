import { and, asc, between, eq, isNull, sql } from 'drizzle-orm'
import type { StormNeighbourhood } from '../../core/incidents/storm'
import type { Database } from '../database'
import { incidents } from '../schema'
import { incidentColumns, type Incident } from './incidents'

/** What the storm rule needs to know of the incidents of the same service or alert policy around this one. */
export async function getStormNeighbourhood(db: Database, incident: Incident, windowMs: number): Promise<StormNeighbourhood> {
  const sameSource = [
    incident.service ? sql`service = ${incident.service}` : null,
    incident.policyName ? sql`policy_name = ${incident.policyName}` : null,
  ].filter((c) => c !== null)
  // Without a service or policy nothing says which incidents belong together.
  if (!sameSource.length) return { siblings: 0, earliest: null, joinedParentId: null, ageMs: 0 }
  const age = sql<number>`(select extract(epoch from (now() - created_at)) * 1000 from incidents where id = ${incident.id})::float8`
  const from = new Date(incident.createdAt.getTime() - windowMs).toISOString()
  const to = new Date(incident.createdAt.getTime() + windowMs).toISOString()
  const [row] = await db
    .select({
      siblings: sql<number>`count(*)::int`,
      earliestId: sql<string | null>`(array_agg(id order by number) filter (where parent_incident_id is null and status = 'open'))[1]`,
      earliestNumber: sql<number | null>`min(number) filter (where parent_incident_id is null and status = 'open')`,
      joinedParentId: sql<string | null>`(array_agg(parent_incident_id order by number desc) filter (where ${joinedOpenStorm(incident.id)}))[1]`,
      ageMs: age,
    })
    .from(incidents)
    .where(sql`id <> ${incident.id} and (${sql.join(sameSource, sql` or `)}) and created_at between ${from}::timestamptz and ${to}::timestamptz`)
  return {
    siblings: Number(row?.siblings ?? 0),
    earliest: row?.earliestId && row.earliestNumber !== null ? { id: row.earliestId, number: Number(row.earliestNumber) } : null,
    joinedParentId: row?.joinedParentId ?? null,
    ageMs: Number(row?.ageMs ?? 0),
  }
}

/** A sibling in a storm that is still open and is not this incident's own. */
function joinedOpenStorm(incidentId: string) {
  return sql`parent_incident_id <> ${incidentId} and parent_incident_id in (select id from incidents where status = 'open')`
}

/**
 * Makes `childId` one of `parentId`'s storm, once: a retry neither counts it again nor moves it.
 * Returns the child's place in the storm, in order of joining, or null when the child has become a storm's
 * first incident meanwhile (it keeps its thread) or the parent has joined another storm.
 */
export async function joinStorm(db: Database, childId: string, parentId: string): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [child] = await tx
      .select({ parent: incidents.parentIncidentId, position: incidents.stormPosition, size: incidents.stormSize })
      .from(incidents)
      .where(eq(incidents.id, childId))
      .for('update')
    if (child?.parent && child.position !== null) return child.position
    if (!child || child.size > 0) return null
    // The parent's row lock orders the joins: positions are 1, 2, 3… with no gaps.
    const [parent] = await tx
      .update(incidents)
      .set({ stormSize: sql`${incidents.stormSize} + 1` })
      .where(and(eq(incidents.id, parentId), isNull(incidents.parentIncidentId)))
      .returning({ size: incidents.stormSize })
    if (!parent) return null
    await tx.update(incidents).set({ parentIncidentId: parentId, stormPosition: parent.size, updatedAt: new Date() }).where(eq(incidents.id, childId))
    return parent.size
  })
}

/** The storm's incidents at positions `from`..`to`, in order. */
export async function listStormMembers(db: Database, parentId: string, from: number, to: number): Promise<Incident[]> {
  return db
    .select(incidentColumns)
    .from(incidents)
    .where(and(eq(incidents.parentIncidentId, parentId), between(incidents.stormPosition, from, to)))
    .orderBy(asc(incidents.stormPosition))
}
