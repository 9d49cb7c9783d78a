import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { incidentLabel, parseIncidentLabel } from '../../../core/incidents/incident-label'
import { getIncidentByNumber } from '../../../storage/repositories/incidents'
import type { ListenerDeps } from '../listener-deps'
import { openStatusUpdateModal } from '../views/open-status-update-modal'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** Update on the root message (value: the incident number): opens the status update form at the incident's stage. */
export function createUpdateActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { tell, channel } = readButtonClick(body, client)
    const number = parseIncidentLabel(action.value ?? '')
    const incident = number === null ? null : await getIncidentByNumber(deps.db, number)
    if (!incident) return tell(':warning: This incident no longer exists.')
    if (incident.status === 'resolved') return tell(`${incidentLabel(incident)} is resolved: use *Record what fixed it* to add to it.`)
    await openStatusUpdateModal(client, { triggerId: body.trigger_id, channel: channel ?? null }, incident)
  }
}
