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

/** Records one alert: see recordAlerts. */
export async function recordAlert(db: Database, alert: NormalizedAlert, payload: unknown): Promise<AlertIngestResult> {
  const [result] = await recordAlerts(db, [alert], payload)
  return result!
}

/**
 * Records a delivery's alerts in one transaction: each opens an incident, counts a repeat on the open
 * one, or resolves it. Locking the fingerprints first makes this safe across bot replicas, and lets a
 * repeat update before anything is inserted, so a repeat never draws (and wastes) an incident number.
 */
export async function recordAlerts(db: Database, batch: NormalizedAlert[], payload: unknown): Promise<AlertIngestResult[]> {
  if (batch.length === 0) return []
  return db.transaction(async (tx) => {
    await lockFingerprints(
      tx,
      batch.map((a) => a.fingerprint),
    )
    const results: AlertIngestResult[] = []
    for (const alert of batch) {
      const result = await recordLockedAlert(tx, alert)
      await tx
        .insert(alerts)
        .values({ incidentId: result.incident?.id ?? null, source: alert.source, fingerprint: alert.fingerprint, status: alert.status, payload })
      results.push(result)
    }
    return results
  })
}

/** Transaction-scoped locks on the fingerprints, taken in one statement and in key order so two batches cannot deadlock. */
async function lockFingerprints(tx: Database, fingerprints: string[]): Promise<void> {
  const keys = sql.join(
    [...new Set(fingerprints)].map((f) => sql`(${`incident_fingerprint:${f}`})`),
    sql`, `,
  )
  await tx.execute(sql`select pg_advisory_xact_lock(k) from (select distinct hashtextextended(f, 0) as k from (values ${keys}) as v(f) order by k) as s`)
}

async function recordLockedAlert(tx: Database, alert: NormalizedAlert): Promise<AlertIngestResult> {
  const open = and(eq(incidents.fingerprint, alert.fingerprint), eq(incidents.status, 'open'))
  if (alert.status === 'resolved') {
    const [resolved] = await tx
      .update(incidents)
      .set({ status: 'resolved', resolvedAt: alert.endedAt ?? new Date(), updatedAt: new Date() })
      .where(open)
      .returning(incidentColumns)
    return { incident: resolved ? toIncident(resolved) : null, outcome: resolved ? 'resolved' : 'orphan' }
  }
  const countRepeat = () =>
    tx
      .update(incidents)
      .set({ alertCount: sql`${incidents.alertCount} + 1`, updatedAt: new Date() })
      .where(open)
      .returning(incidentColumns)
  const [repeat] = await countRepeat()
  if (repeat) return { incident: toIncident(repeat), outcome: 'updated' }
  const [opened] = await tx
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
    // An incident opened under the same fingerprint outside these locks (a slash command) is counted instead.
    .onConflictDoNothing({ target: incidents.fingerprint, where: sql`status = 'open'` })
    .returning(incidentColumns)
  if (opened) return { incident: toIncident(opened), outcome: 'opened' }
  const [raced] = await countRepeat()
  if (!raced) throw new CodedError('incident_upsert_failed', `no row returned for fingerprint ${alert.fingerprint}`)
  return { incident: toIncident(raced), outcome: 'updated' }
}
