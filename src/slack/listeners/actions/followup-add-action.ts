import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { parseIncidentLabel } from '../../../core/incidents/incident-label'
import { getIncidentByNumber } from '../../../storage/repositories/incidents'
import { buildFollowupModal } from '../../blocks/followup-blocks'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** "Add follow-up action" under the review draft (value: INC-n): opens the small form. */
export function createFollowupAddHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { tell, channel } = readButtonClick(body, client)
    const number = parseIncidentLabel(action.value ?? '')
    const incident = number === null ? null : await getIncidentByNumber(deps.db, number)
    if (!incident) return tell(':warning: This incident no longer exists.')
    await client.views.open({
      trigger_id: body.trigger_id,
      view: buildFollowupModal({ incidentId: incident.id, incidentNumber: incident.number, channel: channel ?? null }),
    })
  }
}
