import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { incidentLabel } from '../../../core/incidents/incident-label'
import type { ListenerDeps } from '../listener-deps'
import { openStatusUpdateModal } from '../views/open-status-update-modal'
import { incidentOfButton, readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** Update on the root message (value: the incident number): opens the status update form at the incident's stage. */
export function createUpdateActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const { tell, channel } = click
    const incident = await incidentOfButton(deps, click, action.value)
    if (!incident) return
    if (incident.status === 'resolved') return tell(`${incidentLabel(incident)} is resolved: use *Record what fixed it* to add to it.`)
    await openStatusUpdateModal(client, { triggerId: body.trigger_id, channel: channel ?? null }, incident)
  }
}
