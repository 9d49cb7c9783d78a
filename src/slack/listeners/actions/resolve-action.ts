import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { parseIncidentLabel } from '../../../core/incidents/incident-label'
import { getIncidentByNumber } from '../../../storage/repositories/incidents'
import type { ListenerDeps } from '../listener-deps'
import { openResolveModal } from '../views/open-resolve-modal'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** Resolve on the incident's root message (value: the incident number): opens the modal, pre-filled. */
export function createResolveActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { tell, channel } = readButtonClick(body, client)
    const number = parseIncidentLabel(action.value ?? '')
    const incident = number === null ? null : await getIncidentByNumber(deps.db, number)
    if (!incident) return tell(':warning: This incident no longer exists.')
    await openResolveModal(deps, client, { triggerId: body.trigger_id, channel: channel ?? null }, incident)
  }
}
