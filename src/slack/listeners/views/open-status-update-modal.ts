import type { WebClient } from '@slack/web-api'
import { incidentLabel } from '../../../core/incidents/incident-label'
import type { ResponseStage } from '../../../core/incidents/response-stage'
import type { Incident } from '../../../storage/repositories/incidents'
import { buildStatusUpdateModal } from '../../blocks/lifecycle-blocks'

/** Opens the status update form with the click's or command's trigger, at `stage` (else the incident's own stage). */
export async function openStatusUpdateModal(
  client: WebClient,
  opening: { triggerId: string; channel: string | null },
  incident: Incident,
  stage?: ResponseStage,
): Promise<void> {
  const view = buildStatusUpdateModal({
    incidentId: incident.id,
    label: incidentLabel(incident),
    title: incident.title,
    stage: stage ?? incident.responseStage,
    channel: incident.slackChannel ?? opening.channel,
  })
  await client.views.open({ trigger_id: opening.triggerId, view })
}
