import type { IncidentProgress, PostedMessage } from '../core/incidents/incident-thread'
import { getLatestAnalysis } from '../storage/repositories/analyses'
import { getIncidentOrThrow, updateIncident, type Incident } from '../storage/repositories/incidents'
import type { WorkerDeps } from './worker-deps'

/** Opens the incident's thread once and remembers where it is. */
export async function ensureIncidentRoot(deps: Pick<WorkerDeps, 'db' | 'thread' | 'config'>, incident: Incident): Promise<PostedMessage> {
  if (incident.slackChannel && incident.slackTs) return { channel: incident.slackChannel, ts: incident.slackTs }
  const channel = incident.slackChannel ?? deps.config.INCIDENT_CHANNEL
  if (!channel) throw new Error('no channel for the incident: set INCIDENT_CHANNEL')
  const posted = await deps.thread.openThread(incident, channel)
  await updateIncident(deps.db, incident.id, { slackChannel: posted.channel, slackTs: posted.ts })
  return posted
}

/** Shows on the root message what is stored: the latest analysis plus the playbook run's state. */
export async function refreshIncidentRoot(
  deps: Pick<WorkerDeps, 'db' | 'thread'>,
  incidentId: string,
  run?: Pick<IncidentProgress, 'playbookTitle' | 'executionStatus'>,
): Promise<void> {
  const incident = await getIncidentOrThrow(deps.db, incidentId)
  const analysis = await getLatestAnalysis(deps.db, incident.id)
  const analysed = { summary: analysis?.summary ?? undefined, confidence: analysis?.confidence ?? undefined }
  await deps.thread.showIncidentProgress(incident, { phase: 'analyzed', ...analysed, ...run })
}
