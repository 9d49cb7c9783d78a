import { PermanentJobError } from '../../core/errors'
import { buildResolvedReply } from '../../slack/blocks/incident-blocks'
import { appendAudit } from '../../storage/repositories/audit'
import { getIncident } from '../../storage/repositories/incidents'
import type { JobData } from '../../core/jobs/job-queue'
import type { WorkerDeps } from '../worker-deps'
import { refreshIncidentRoot } from './incident-messages'

/** The alert closed: mark the root message resolved and say so in the thread. */
export async function processIncidentResolved(deps: WorkerDeps, data: JobData<'incident.resolved'>): Promise<void> {
  const incident = await getIncident(deps.db, data.incidentId)
  if (!incident) throw new PermanentJobError(`incident ${data.incidentId} does not exist`)
  if (!incident.slackChannel || !incident.slackTs) return
  await refreshIncidentRoot(deps, incident.id)
  await deps.slack.postOnce(`incident:${incident.id}:resolved`, incident.slackChannel, buildResolvedReply(incident), incident.slackTs)
  await appendAudit(deps.db, { actor: 'system', action: 'incident.resolved', incidentId: incident.id, subjectType: 'incident', subjectId: incident.id, details: { resolvedAt: incident.resolvedAt?.toISOString() ?? null } })
}
