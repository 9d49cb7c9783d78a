import { PermanentJobError } from '../../core/errors'
import type { JobData } from '../../core/jobs/job-queue'
import { appendAudit, hasAuditForIncident } from '../../storage/repositories/audit'
import { getIncident, type Incident } from '../../storage/repositories/incidents'
import { requestHomeRefresh } from '../../storage/repositories/home-viewers'
import { refreshIncidentRoot } from '../incident-root'
import type { WorkerDeps } from '../worker-deps'

/** Who is asked what fixed an incident: its commander, else whoever acknowledged or declared it. */
export function whoShouldAnswer(incident: Pick<Incident, 'commanderId' | 'acknowledgedBy' | 'createdBy'>): string | null {
  return incident.commanderId ?? incident.acknowledgedBy ?? (incident.createdBy && /^[UW][A-Z0-9]+$/.test(incident.createdBy) ? incident.createdBy : null)
}

/** The alert closed: mark the root message resolved and say so in the thread. */
export async function processIncidentAnnounceResolution(deps: WorkerDeps, data: JobData<'incident.announce-resolution'>): Promise<void> {
  const incident = await getIncident(deps.db, data.incidentId)
  if (!incident) throw new PermanentJobError(`incident ${data.incidentId} does not exist`)
  await requestHomeRefresh(deps)
  if (!incident.slackChannel || !incident.slackTs) return
  await refreshIncidentRoot(deps, incident.id)
  await deps.thread.announceResolution(incident)
  // Closed by its alert: nothing says what fixed it, so the thread asks (the answer is the label the agent learns from).
  if (!incident.resolutionRecordedAt) await deps.thread.askWhatFixedIt(incident, { reminder: false, mention: whoShouldAnswer(incident) })
  // The sweep may announce again what an earlier job announced: the reply is posted once, and so is its audit entry.
  if (await hasAuditForIncident(deps.db, incident.id, 'incident.resolved')) return
  await appendAudit(deps.db, {
    actor: 'system',
    action: 'incident.resolved',
    incidentId: incident.id,
    subjectType: 'incident',
    subjectId: incident.id,
    details: { resolvedAt: incident.resolvedAt?.toISOString() ?? null },
  })
}
