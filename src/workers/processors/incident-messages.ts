import { buildIncidentRootMessage, type IncidentProgress } from '../../slack/blocks/incident-blocks'
import { getLatestAnalysis } from '../../storage/repositories/analyses'
import { getIncidentOrThrow, updateIncident, type Incident } from '../../storage/repositories/incidents'
import type { WorkerDeps } from '../worker-deps'

/** Posts the incident's root message once and remembers where it is. */
export async function ensureIncidentRoot(deps: WorkerDeps, incident: Incident): Promise<{ channel: string; ts: string }> {
  if (incident.slackChannel && incident.slackTs) return { channel: incident.slackChannel, ts: incident.slackTs }
  const channel = incident.slackChannel ?? deps.config.INCIDENT_CHANNEL
  if (!channel) throw new Error('no channel for the incident: set INCIDENT_CHANNEL')
  const posted = await deps.slack.postOnce(`incident:${incident.id}:root`, channel, buildIncidentRootMessage(incident, { phase: 'new' }))
  await updateIncident(deps.db, incident.id, { slackChannel: posted.channel, slackTs: posted.ts })
  return posted
}

export async function updateIncidentRoot(deps: WorkerDeps, incident: Incident, progress: IncidentProgress): Promise<void> {
  if (!incident.slackChannel || !incident.slackTs) return
  try {
    await deps.slack.update(incident.slackChannel, incident.slackTs, buildIncidentRootMessage(incident, progress))
  } catch (err) {
    // Someone deleted the root message: the thread's work goes on rather than failing on a cosmetic edit.
    if (!GONE_MESSAGE_ERRORS.has((err as { data?: { error?: string } }).data?.error ?? '')) throw err
    deps.logger.warn({ incident: incident.id, err }, 'incident root message is gone; not updated')
  }
}

const GONE_MESSAGE_ERRORS = new Set(['message_not_found', 'cant_update_message', 'channel_not_found', 'is_archived'])

/** Re-renders the root message from what is stored: the latest analysis plus the playbook run's state. */
export async function refreshIncidentRoot(deps: WorkerDeps, incidentId: string, run?: { playbookTitle: string; executionStatus: string }): Promise<void> {
  const incident = await getIncidentOrThrow(deps.db, incidentId)
  const analysis = await getLatestAnalysis(deps.db, incident.id)
  await updateIncidentRoot(deps, incident, { phase: 'analyzed', summary: analysis?.summary ?? undefined, confidence: analysis?.confidence ?? undefined, ...run })
}
