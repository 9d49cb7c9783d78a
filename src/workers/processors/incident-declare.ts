import { createHash } from 'node:crypto'
import type { JobData } from '../../core/jobs/job-queue'
import { responseTimesOf } from '../../storage/repositories/incident-lifecycle'
import { recordIncidentEvent } from '../../storage/repositories/incident-events'
import { appendAudit, hasAuditForIncident } from '../../storage/repositories/audit'
import { openIncidentOnce } from '../../storage/repositories/incidents'
import type { WorkerDeps } from '../worker-deps'
import { processIncidentAnalyze } from './incident-analyze'

/**
 * `/sre declare`: opens the incident in the channel it was declared in, led by the declarer or whoever they named,
 * then analyses it like an alert's. Declaring is acknowledging: the declarer knows, so no Acknowledge click is asked for.
 */
export async function processIncidentDeclare(deps: WorkerDeps, data: JobData<'incident.declare'>): Promise<void> {
  const declaredAt = new Date(data.requestedAt)
  // The same submission retried after a crash maps to the same incident.
  const fingerprint = `slack:declare:${createHash('sha256').update([data.userId, data.requestId].join('\n')).digest('hex').slice(0, 32)}`
  const moments = { startedAt: declaredAt, detectedAt: null, acknowledgedAt: declaredAt, mitigatedAt: null, resolvedAt: null }
  const { incident } = await openIncidentOnce(deps.db, {
    fingerprint,
    source: 'slack',
    title: data.title,
    summary: data.description,
    service: data.service,
    severity: data.severity,
    startedAt: declaredAt,
    slackChannel: data.channelId,
    createdBy: data.userId,
    commanderId: data.commanderId,
    acknowledgedAt: declaredAt,
    acknowledgedBy: data.userId,
    ttaSeconds: responseTimesOf(moments).ttaSeconds,
  })
  await recordIncidentEvent(deps.db, {
    incidentId: incident.id,
    occurredAt: declaredAt,
    kind: 'declared',
    actor: data.userId,
    text: `Declared: ${data.title}`,
    details: { severity: data.severity, service: data.service, commander: data.commanderId },
    dedupeKey: 'declared',
  })
  if (!(await hasAuditForIncident(deps.db, incident.id, 'incident.declared'))) {
    await appendAudit(deps.db, {
      actor: data.userId,
      action: 'incident.declared',
      incidentId: incident.id,
      subjectType: 'incident',
      subjectId: incident.id,
      details: { title: data.title, service: data.service, severity: data.severity, commander: data.commanderId },
      slackChannel: data.channelId,
    })
  }
  await processIncidentAnalyze(deps, { incidentId: incident.id }, incident)
}
