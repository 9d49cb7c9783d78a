import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { buildFollowupModal } from '../../blocks/followup-blocks'
import type { ListenerDeps } from '../listener-deps'
import { incidentOfButton, readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** "Add follow-up action" under the review draft (value: INC-n): opens the small form. */
export function createFollowupAddHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const incident = await incidentOfButton(deps, click, action.value)
    if (!incident) return
    await client.views.open({
      trigger_id: body.trigger_id,
      view: buildFollowupModal({ incidentId: incident.id, incidentNumber: incident.number, channel: click.channel ?? null }),
    })
  }
}
