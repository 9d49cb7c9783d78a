import { and, eq, inArray, sql } from 'drizzle-orm'
import type { NormalizedAlert } from '../../core/incidents/types'
import { CodedError } from '../../core/errors'
import type { Database } from '../database'
import { alertBodies, alerts, incidents } from '../schema'
import { storeResponseTimes } from './incident-lifecycle'
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
 * Records a delivery's alerts in one transaction, its body stored once for all of them: each alert opens
 * an incident, counts a repeat on the open one, or resolves it. Locking the fingerprints first makes this
 * safe across bot replicas, and lets a repeat update before anything is inserted, so a repeat never draws
 * (and wastes) an incident number.
 */
export async function recordAlerts(db: Database, batch: NormalizedAlert[], body: unknown): Promise<AlertIngestResult[]> {
  if (batch.length === 0) return []
  return db.transaction(async (tx) => {
    await lockFingerprints(
      tx,
      batch.map((a) => a.fingerprint),
    )
    const [stored] = await tx.insert(alertBodies).values({ body }).returning({ id: alertBodies.id })
    const results: AlertIngestResult[] = []
    for (const segment of distinctFingerprintRuns(batch)) results.push(...(await recordLockedAlerts(tx, segment)))
    for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
      const rows = batch.slice(i, i + ROWS_PER_INSERT).map((alert, j) => ({
        incidentId: results[i + j]!.incident?.id ?? null,
        source: alert.source,
        fingerprint: alert.fingerprint,
        status: alert.status,
        bodyId: stored!.id,
      }))
      await tx.insert(alerts).values(rows)
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

// Postgres takes at most 65,535 parameters per statement; an incident row uses 12.
const ROWS_PER_INSERT = 1000

/** Splits a batch, in order, into runs whose fingerprints are distinct, so each run is a few set-wide statements. */
function distinctFingerprintRuns(batch: NormalizedAlert[]): NormalizedAlert[][] {
  const runs: NormalizedAlert[][] = []
  let seen = new Set<string>()
  for (const alert of batch) {
    if (seen.has(alert.fingerprint) || runs.length === 0) {
      runs.push([])
      seen = new Set()
    }
    seen.add(alert.fingerprint)
    runs.at(-1)!.push(alert)
  }
  return runs
}

/** Records alerts of distinct, locked fingerprints: resolves, repeats and new incidents each in one statement. */
async function recordLockedAlerts(tx: Database, run: NormalizedAlert[]): Promise<AlertIngestResult[]> {
  const byFingerprint = new Map<string, AlertIngestResult>()
  const note = (rows: Incident[], outcome: AlertIngestResult['outcome']) => {
    for (const row of rows) byFingerprint.set(row.fingerprint, { incident: toIncident(row), outcome })
  }
  const openUnder = (fingerprints: string[]) => and(inArray(incidents.fingerprint, fingerprints), eq(incidents.status, 'open'))
  const countRepeats = (fingerprints: string[]) =>
    tx
      .update(incidents)
      .set({ alertCount: sql`${incidents.alertCount} + 1`, updatedAt: new Date() })
      .where(openUnder(fingerprints))
      .returning(incidentColumns)

  const resolving = run.filter((a) => a.status === 'resolved')
  if (resolving.length > 0) {
    const endedAt = sql.join(
      resolving.map((a) => sql`when ${a.fingerprint} then ${(a.endedAt ?? new Date()).toISOString()}::timestamptz`),
      sql` `,
    )
    const resolved = await tx
      .update(incidents)
      .set({
        status: 'resolved',
        resolvedAt: sql`case ${incidents.fingerprint} ${endedAt} end`,
        // No mitigation recorded: the impact is taken to have stopped when the alert did.
        mitigatedAt: sql`coalesce(${incidents.mitigatedAt}, case ${incidents.fingerprint} ${endedAt} end)`,
        responseStage: 'resolved',
        updatedAt: new Date(),
      })
      .where(openUnder(resolving.map((a) => a.fingerprint)))
      .returning(incidentColumns)
    note(await storeResponseTimes(tx, resolved), 'resolved')
  }
  const firing = run.filter((a) => a.status !== 'resolved')
  if (firing.length > 0) note(await countRepeats(firing.map((a) => a.fingerprint)), 'updated')
  const fresh = firing.filter((a) => !byFingerprint.has(a.fingerprint))
  for (let i = 0; i < fresh.length; i += ROWS_PER_INSERT) {
    const opened = await tx
      .insert(incidents)
      .values(
        fresh.slice(i, i + ROWS_PER_INSERT).map((alert) => ({
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
        })),
      )
      // An incident opened under the same fingerprint outside these locks (a slash command) is counted instead.
      .onConflictDoNothing({ target: incidents.fingerprint, where: sql`status = 'open'` })
      .returning(incidentColumns)
    note(opened, 'opened')
  }
  const raced = fresh.filter((a) => !byFingerprint.has(a.fingerprint)).map((a) => a.fingerprint)
  if (raced.length > 0) note(await countRepeats(raced), 'updated')
  return run.map((alert) => {
    const result = byFingerprint.get(alert.fingerprint)
    if (result) return result
    if (alert.status === 'resolved') return { incident: null, outcome: 'orphan' }
    throw new CodedError('incident_upsert_failed', `no row returned for fingerprint ${alert.fingerprint}`)
  })
}
