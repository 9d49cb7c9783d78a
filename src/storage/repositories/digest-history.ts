import { and, desc, eq, gte, inArray, isNull, lt, or } from 'drizzle-orm'
import type { Digest, DigestHistoryWindow } from '../../core/digest/compute-digest'
import type { DigestHistory, DigestIncident } from '../../core/digest/digest-history'
import type { Database } from '../database'
import { warningStatsFor } from './proactive-warnings'
import { analyses, analysisConfidence, approvalRequests, digests, followupActions, incidentErrorSightings, incidents, playbookExecutions } from '../schema'

/**
 * What the digest of [from, until) reads: incidents started from `from` (the digest asks from the previous
 * period, its 30-day noise window and its MTTR trend) or labelled since `labelledFrom`, with their latest
 * analysis' confidence and best match; playbook runs and approvals; follow-up actions open at some point of it;
 * the errors seen around those incidents.
 */
export async function loadDigestHistory(db: Database, window: DigestHistoryWindow): Promise<DigestHistory> {
  const { from, labelledFrom, until } = window
  const incidentRows = await db
    .select({
      id: incidents.id,
      number: incidents.number,
      title: incidents.title,
      service: incidents.service,
      policyName: incidents.policyName,
      fingerprint: incidents.fingerprint,
      severity: incidents.severity,
      startedAt: incidents.startedAt,
      resolvedAt: incidents.resolvedAt,
      ttaSeconds: incidents.ttaSeconds,
      ttmSeconds: incidents.ttmSeconds,
      ttrSeconds: incidents.ttrSeconds,
      diagnosisLabel: incidents.diagnosisLabel,
      sameIncidentId: incidents.sameIncidentId,
      resolutionRecordedAt: incidents.resolutionRecordedAt,
    })
    .from(incidents)
    .where(
      or(
        and(gte(incidents.startedAt, from), lt(incidents.startedAt, until)),
        and(gte(incidents.resolutionRecordedAt, labelledFrom), lt(incidents.resolutionRecordedAt, until)),
      ),
    )
  const ids = incidentRows.map((i) => i.id)
  const [analysisRows, runs, approvals, followups, sightings, currentWarnings, previousWarnings] = await Promise.all([
    ids.length === 0
      ? Promise.resolve([])
      : db
          .select({ incidentId: analyses.incidentId, confidence: analyses.confidence, topMatchId: analysisConfidence.topMatchId })
          .from(analyses)
          .leftJoin(analysisConfidence, eq(analysisConfidence.analysisId, analyses.id))
          .where(and(inArray(analyses.incidentId, ids), eq(analyses.status, 'completed')))
          .orderBy(desc(analyses.startedAt)),
    db
      .select({
        playbookId: playbookExecutions.playbookId,
        definition: playbookExecutions.definition,
        status: playbookExecutions.status,
        startedAt: playbookExecutions.createdAt,
      })
      .from(playbookExecutions)
      .where(and(gte(playbookExecutions.createdAt, from), lt(playbookExecutions.createdAt, until))),
    db
      .select({ status: approvalRequests.status, requestedAt: approvalRequests.createdAt, decidedAt: approvalRequests.decidedAt })
      .from(approvalRequests)
      .where(and(gte(approvalRequests.createdAt, from), lt(approvalRequests.createdAt, until))),
    db
      .select({
        status: followupActions.status,
        owner: followupActions.owner,
        text: followupActions.text,
        incidentNumber: incidents.number,
        dueOn: followupActions.dueOn,
        createdAt: followupActions.createdAt,
        closedAt: followupActions.closedAt,
      })
      .from(followupActions)
      .innerJoin(incidents, eq(incidents.id, followupActions.incidentId))
      .where(and(lt(followupActions.createdAt, until), or(isNull(followupActions.closedAt), gte(followupActions.closedAt, from)))),
    db
      .select({
        incidentId: incidentErrorSightings.incidentId,
        incidentNumber: incidents.number,
        service: incidentErrorSightings.service,
        template: incidentErrorSightings.template,
        errorGroupId: incidentErrorSightings.errorGroupId,
        incidentStartedAt: incidents.startedAt,
      })
      .from(incidentErrorSightings)
      .innerJoin(incidents, eq(incidents.id, incidentErrorSightings.incidentId))
      .where(and(gte(incidents.startedAt, from), lt(incidents.startedAt, until))),
    warningStatsFor(db, { since: window.since, until }),
    warningStatsFor(db, { since: window.previousSince, until: window.since }),
  ])
  // Rows come newest first: the first seen per incident is its latest completed analysis.
  const latest = new Map<string, { confidence: number | null; topMatchId: string | null }>()
  for (const a of analysisRows) if (!latest.has(a.incidentId)) latest.set(a.incidentId, { confidence: a.confidence, topMatchId: a.topMatchId })
  return {
    incidents: incidentRows.map(
      (i): DigestIncident => ({ ...i, confidence: latest.get(i.id)?.confidence ?? null, topMatchId: latest.get(i.id)?.topMatchId ?? null }),
    ),
    playbookRuns: runs.map((r) => ({ playbookId: r.playbookId, title: r.definition.title, status: r.status, startedAt: r.startedAt })),
    approvals,
    followups,
    errorSightings: sightings,
    warnings: { current: currentWarnings, previous: previousWarnings },
  }
}

export type StoredDigest = typeof digests.$inferSelect

/** Stores the posted digest (once per key; a retry keeps the first row, with the ts it posted). */
export async function recordPostedDigest(
  db: Database,
  digest: { key: string; since: Date; until: Date; timeZone: string; channel: string; ts: string; figures: Digest },
  now: Date,
): Promise<StoredDigest> {
  await db
    .insert(digests)
    .values({ ...digest, postedAt: now })
    .onConflictDoNothing({ target: digests.key })
  const [row] = await db.select().from(digests).where(eq(digests.key, digest.key))
  return row!
}

/** Records the charts uploaded in the digest's thread. */
export async function recordDigestCharts(db: Database, key: string, fileIds: string[], now: Date): Promise<void> {
  await db.update(digests).set({ fileIds, chartsUploadedAt: now }).where(eq(digests.key, key))
}

/** The digest posted last (App Home shows its figures and charts), or null before the first. */
export async function latestDigest(db: Database): Promise<StoredDigest | null> {
  const [row] = await db.select().from(digests).orderBy(desc(digests.until), desc(digests.postedAt)).limit(1)
  return row ?? null
}
