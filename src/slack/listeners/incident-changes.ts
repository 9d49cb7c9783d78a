import type { WebClient } from '@slack/web-api'
import { incidentLabel } from '../../core/incidents/incident-label'
import type { ResponseStage } from '../../core/incidents/response-stage'
import type { Severity } from '../../core/incidents/types'
import { changeSeverity, recordStatusUpdate } from '../../storage/repositories/incident-lifecycle'
import type { Incident } from '../../storage/repositories/incidents'
import type { SlackMessage } from '../blocks/block-kit'
import { buildSeverityChangedLine, buildStatusUpdateLine } from '../blocks/lifecycle-blocks'
import type { ListenerDeps } from './listener-deps'

/** After a person changed an incident: a line in its thread, and its root message redrawn from what is stored (by a job, as every redraw is). */
export async function showIncidentChange(deps: Pick<ListenerDeps, 'queue'>, client: WebClient, incident: Incident, line: SlackMessage): Promise<void> {
  if (incident.slackChannel && incident.slackTs) {
    await client.chat.postMessage({ channel: incident.slackChannel, thread_ts: incident.slackTs, text: line.text, blocks: line.blocks })
  }
  await deps.queue.enqueue('incident.refresh-root', { incidentId: incident.id })
}

/** A status update from the Update form or `/sre update … text`: stored, said in the thread, shown on the root message. */
export async function postStatusUpdate(
  deps: Pick<ListenerDeps, 'db' | 'queue' | 'now'>,
  client: WebClient,
  incident: Incident,
  input: { stage: Exclude<ResponseStage, 'resolved'>; text: string; userId: string },
): Promise<void> {
  const recorded = await recordStatusUpdate(deps.db, incident.id, input, deps.now())
  await showIncidentChange(deps, client, recorded.incident, buildStatusUpdateLine(incidentLabel(incident), recorded.update, recorded.mitigated))
}

/** The severity menu or `/sre severity`: nothing is said when it already was that severity. */
export async function setIncidentSeverity(
  deps: Pick<ListenerDeps, 'db' | 'queue' | 'now'>,
  client: WebClient,
  incident: Incident,
  severity: Severity,
  userId: string,
): Promise<void> {
  const change = await changeSeverity(deps.db, incident.id, severity, userId, deps.now())
  if (!change.changed) return
  await showIncidentChange(deps, client, change.incident, buildSeverityChangedLine(incidentLabel(incident), change.from, severity, userId))
}
