import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt'
import { parseIncidentLabel } from '../../../core/incidents/incident-label'
import { getIncidentByNumber } from '../../../storage/repositories/incidents'
import { postIncidentTimeline } from '../commands/timeline-command'
import type { ListenerDeps } from '../listener-deps'
import { readButtonClick } from './button-click'

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs

/** Timeline on the incident's root message (value: the incident number): posts the timeline in the thread. */
export function createTimelineActionHandler(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack()
    const { tell, channel } = readButtonClick(body, client)
    const number = parseIncidentLabel(action.value ?? '')
    const incident = number === null ? null : await getIncidentByNumber(deps.db, number)
    if (!incident) return tell(':warning: This incident no longer exists.')
    await postIncidentTimeline(deps, client, incident, channel ? { channel } : undefined)
  }
}
