import { and, eq, sql } from 'drizzle-orm'
import type { NormalizedAlert } from '../../core/incidents/types'
import { CodedError } from '../../core/errors'
import type { Database } from '../database'
import { alerts, incidents } from '../schema'
import { incidentColumns, toIncident, type Incident } from './incidents'

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
      return { incident: resolved ? toIncident(resolved) : null, outcome: resolved ? 'resolved' : 'orphan' }
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
        links: alert.links,
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
    return { incident: incident ? toIncident(incident) : null, outcome: row.inserted ? 'opened' : 'updated' }
  })
}
