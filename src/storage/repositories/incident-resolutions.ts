import { and, asc, eq, gte, isNotNull, isNull, lt } from 'drizzle-orm'
import { CodedError } from '../../core/errors'
import { type ResolutionAnswers, resolutionAnswersSchema } from '../../core/incidents/resolution'
import type { Database } from '../database'
import { auditLog, incidents } from '../schema'
import { responseTimesOf } from './incident-lifecycle'
import { type Incident, incidentColumns, toIncident } from './incidents'

/**
 * Stores the team's answers on the incident and audits them, in one transaction;
 * recording again overwrites (an edit) and is audited again. An open incident is resolved.
 */
export async function recordResolution(db: Database, incidentId: string, answers: ResolutionAnswers, now = new Date()): Promise<Incident> {
  const a = resolutionAnswersSchema.parse(answers)
  if (a.sameIncidentId === incidentId) throw new CodedError('resolution_invalid', 'an incident cannot be the same as itself')
  return db.transaction(async (tx) => {
    const [current] = await tx.select(incidentColumns).from(incidents).where(eq(incidents.id, incidentId)).for('update')
    if (!current) throw new CodedError('incident_not_found', `incident ${incidentId} does not exist`)
    const resolvedAt = current.resolvedAt ?? now
    // No mitigation recorded: the impact is taken to have stopped at the resolution.
    const mitigatedAt = current.mitigatedAt ?? resolvedAt
    const [row] = await tx
      .update(incidents)
      .set({
        status: 'resolved',
        resolvedAt,
        mitigatedAt,
        responseStage: 'resolved',
        ...responseTimesOf({ ...current, resolvedAt, mitigatedAt }),
        resolution: a.resolution,
        resolutionOutcome: a.outcome,
        rootCause: a.rootCause,
        contributingFactors: a.contributingFactors ?? null,
        diagnosisLabel: a.diagnosisLabel,
        sameIncidentId: a.sameIncidentId,
        resolutionRecordedBy: a.recordedBy,
        resolutionRecordedAt: now,
        updatedAt: now,
      })
      .where(eq(incidents.id, incidentId))
      .returning(incidentColumns)
    await tx.insert(auditLog).values({
      incidentId,
      actor: a.recordedBy,
      action: 'incident.resolution_recorded',
      subjectType: 'incident',
      subjectId: incidentId,
      details: {
        resolution: a.resolution,
        outcome: a.outcome,
        rootCause: a.rootCause,
        contributingFactors: a.contributingFactors ?? null,
        diagnosisLabel: a.diagnosisLabel,
        sameIncidentId: a.sameIncidentId,
        wasOpen: current.status === 'open',
      },
    })
    return toIncident(row!)
  })
}

/**
 * Incidents their alert resolved within [since, before) whose resolution nobody recorded and that were not reminded yet:
 * the ones owed their one reminder. Storm members are lines in another thread and are not asked separately.
 */
export async function listIncidentsOwedReminder(db: Database, window: { since: Date; before: Date; limit: number }): Promise<Incident[]> {
  const rows = await db
    .select(incidentColumns)
    .from(incidents)
    .where(
      and(
        eq(incidents.status, 'resolved'),
        isNull(incidents.resolutionRecordedAt),
        isNull(incidents.resolutionRemindedAt),
        isNull(incidents.parentIncidentId),
        isNotNull(incidents.slackTs),
        gte(incidents.resolvedAt, window.since),
        lt(incidents.resolvedAt, window.before),
      ),
    )
    .orderBy(asc(incidents.resolvedAt))
    .limit(window.limit)
  return rows.map(toIncident)
}

/** Marks the reminder sent; false when another worker marked it first. */
export async function markResolutionReminded(db: Database, incidentId: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(incidents)
    .set({ resolutionRemindedAt: at })
    .where(and(eq(incidents.id, incidentId), isNull(incidents.resolutionRemindedAt)))
    .returning({ id: incidents.id })
  return rows.length > 0
}
