import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import type { ListenerDeps } from '../listener-deps'
import { openResolveModal } from '../views/open-resolve-modal'
import { incidentOfButton, readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** Resolve on the incident's root message (value: the incident number): opens the modal, pre-filled. */
export function createResolveActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const click = readButtonClick(body, client)
    const incident = await incidentOfButton(deps, click, action.value)
    if (!incident) return
    await openResolveModal(deps, client, { triggerId: body.trigger_id, channel: click.channel ?? null }, incident)
  }
}
